import { Readable } from "node:stream";
import { asFormatErrors, type FormatError } from "../../../src/formats/format-error";
import type { ParsedItem } from "../../../src/ingest/adapter";

export interface Parsed {
  items: ParsedItem[];
  errors: FormatError[];
}

/** Runs a parser over text or bytes and gathers what it yielded and the FormatErrors it threw. */
export async function collect(parse: (input: Readable) => AsyncIterable<ParsedItem>, input: string | Buffer): Promise<Parsed> {
  const items: ParsedItem[] = [];
  try {
    for await (const item of parse(Readable.from([typeof input === "string" ? Buffer.from(input) : input]))) items.push(item);
    return { items, errors: [] };
  } catch (error) {
    const errors = asFormatErrors(error);
    if (!errors) throw error;
    return { items, errors };
  }
}

export function payments(p: Parsed) {
  return p.items.flatMap((i) => (i.kind === "payment" ? [i.draft] : []));
}

export function codes(p: Parsed): string[] {
  return p.errors.map((e) => `${e.code}@${e.line}${e.field ? `:${e.field}` : ""}`);
}
