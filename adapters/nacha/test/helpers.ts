import { Readable } from "node:stream";
import { FormatErrors, type FormatError } from "../../../src/adapter-kit/format-error";
import { nachaFileLines, RPPS_FILE_HEADER, type BatchSpec, type FileSpec } from "../generate";
import { parseNacha, type NachaEvent } from "../parser";
import { PROFILES, type NachaProfile } from "../profile";

/**
 * Parses a file (text is written one byte per character; bytes as they are) in chunks of
 * `chunkSize`, to cross chunk boundaries, into events, or its errors.
 */
export async function parseText(
  input: string | Buffer,
  profile: NachaProfile = PROFILES.strict,
  chunkSize = 64 * 1024,
): Promise<{ events: NachaEvent[]; errors: FormatError[] }> {
  const bytes = typeof input === "string" ? Buffer.from(input, "latin1") : input;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const events: NachaEvent[] = [];
  try {
    for await (const e of parseNacha(Readable.from(chunks), profile)) events.push(e);
    return { events, errors: [] };
  } catch (error) {
    if (error instanceof FormatErrors) return { events, errors: error.errors };
    throw error;
  }
}

export const batch = (overrides: Partial<BatchSpec> = {}): BatchSpec => ({
  serviceClassCode: "220",
  companyName: "MA HEALTH CONNECTOR",
  companyIdentification: "9001234567",
  companyEntryDescription: "RPSPAYMENT",
  companyDescriptiveDate: "240318",
  effectiveEntryDate: "240321",
  originatingDfi: "99990001",
  receivingDfi: "01100001",
  entries: [
    { amountCents: 31245, name: "ALEX SAMPLE", account: "712345678" },
    { amountCents: 4210, name: "ALEX SAMPLE", account: "712345678", note: "DENTAL" },
    { amountCents: 52000, name: "JORDAN EXAMPLE", account: "7123-456-78" },
  ],
  ...overrides,
});

/** A small valid file (two batches) with every control filled in, as lines. */
export function fileLines(overrides: Partial<FileSpec> = {}): string[] {
  return [
    ...nachaFileLines({
      ...RPPS_FILE_HEADER,
      fileCreationDate: "240321",
      fileCreationTime: "0615",
      fileIdModifier: "A",
      blankHashAndBlockCount: false,
      batches: [batch(), batch({ originatingDfi: "99990002", effectiveEntryDate: "240322" })],
      ...overrides,
    }),
  ];
}

export const joinLines = (lines: string[], eol = "\n") => lines.join(eol) + eol;

export function entriesOf(events: NachaEvent[]) {
  return events.flatMap((e) => (e.type === "entry" ? [e.entry] : []));
}
