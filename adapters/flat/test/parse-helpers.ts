import { Readable } from "node:stream";
import type { FormatError } from "../../../src/adapter-kit/format-error";
import type { ParsedItem } from "../../../src/adapter-kit/adapter";
import { drain } from "../../../test/support/drain";

export interface Parsed {
  items: ParsedItem[];
  errors: FormatError[];
}

/** Runs a parser over text or bytes and gathers what it yielded and the FormatErrors it threw. */
export function collect(
  parse: (input: Readable) => AsyncIterable<ParsedItem>,
  input: string | Buffer,
): Promise<Parsed> {
  return drain(parse(Readable.from([typeof input === "string" ? Buffer.from(input) : input])));
}

export function payments(p: Parsed) {
  return p.items.flatMap((i) => (i.kind === "payment" ? [i.draft] : []));
}

export function codes(p: Parsed): string[] {
  return p.errors.map((e) => `${e.code}@${e.line}${e.field ? `:${e.field}` : ""}`);
}
