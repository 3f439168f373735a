import type { ErrorCollector } from "../../src/adapter-kit/format-error";
import { readLines } from "../../src/adapter-kit/line-reader";
import { bai2Error } from "./errors";

export const RECORD_CODES = ["01", "02", "03", "16", "49", "88", "98", "99"] as const;
export type RecordCode = (typeof RECORD_CODES)[number];

/** One BAI2 record as it appears in the file (an 88 is its own record here). */
export interface BaiRecord {
  code: RecordCode;
  /** The text after "NN," without the closing "/". */
  body: string;
  /** Physical line the record starts on. */
  line: number;
}

/** A record with its 88 continuations: what the record means. */
export interface LogicalRecord {
  code: Exclude<RecordCode, "88">;
  /** The record's body, then each continuation's body. */
  bodies: string[];
  line: number;
  /** BAI2 records it spans (1 + its 88s): what the trailers' record counts count. */
  records: number;
  raw: string;
}

const CODE_AT_START = /^(01|02|03|16|49|88|98|99),/;
const NEXT_RECORD = /^\s+(01|02|03|16|49|88|98|99),/;

/**
 * Where the record that starts at `text` ends: the index of its closing "/", or -1. A record with
 * free text (16, 88) may hold "/" in its text ("AB/GS/0001", "08/18/23"), so there a "/" closes
 * the record only at the end of the line or before blanks and the next record code. Other records
 * hold no "/" in their data: the first one closes them.
 */
function closingSlash(text: string, from: number, code: RecordCode): number {
  for (let i = text.indexOf("/", from); i >= 0; i = text.indexOf("/", i + 1)) {
    if (code !== "16" && code !== "88") return i;
    const after = text.slice(i + 1);
    if (after.trim() === "" || NEXT_RECORD.test(after)) return i;
  }
  return -1;
}

/**
 * Splits a BAI2 byte stream into records, streaming line by line. Records end with "/"; several
 * may share a physical line (moov-io sample3); a record that ends at a line break without "/" is
 * closed by the next line that starts with a record code, and a line that does not start with one
 * continues its text (moov-io sample4 and sample3's wrapped 16 record).
 */
export async function* readRecords(
  input: AsyncIterable<Buffer | string>,
  errors: ErrorCollector,
): AsyncGenerator<BaiRecord> {
  let open: BaiRecord | null = null;
  for await (const { line, text } of readLines(input, { maxLineLength: 1024 * 1024 })) {
    let rest = text.replace(/^\uFEFF/, "");
    if (rest.trim() === "") continue;
    if (open && !CODE_AT_START.test(rest.trimStart())) {
      const head = rest.trimStart();
      if (/^\d\d[^\d\s,]/.test(head))
        errors.add(bai2Error("malformed_record_code", line, "recordCode", { code: head }));
      const current: BaiRecord = open;
      const joined = `${current.body} ${head}`;
      const end = closingSlash(joined, current.body.length + 1, current.code);
      if (end < 0) {
        open = { ...current, body: joined };
        continue;
      }
      yield { ...current, body: joined.slice(0, end) };
      open = null;
      rest = joined.slice(end + 1);
    } else if (open) {
      yield open;
      open = null;
    }
    rest = rest.trimStart();
    while (rest !== "") {
      const m = CODE_AT_START.exec(rest);
      if (!m) {
        errors.add(bai2Error("invalid_record_code", line, "recordCode", { code: rest.split(",")[0] }));
        break;
      }
      const code = m[1] as RecordCode;
      const end = closingSlash(rest, 3, code);
      if (end < 0) {
        open = { code, body: rest.slice(3), line };
        break;
      }
      yield { code, body: rest.slice(3, end), line };
      rest = rest.slice(end + 1).trimStart();
    }
  }
  if (open) yield open;
}

/** Joins each record with its 88 continuations. */
export async function* readLogicalRecords(
  input: AsyncIterable<Buffer | string>,
  errors: ErrorCollector,
): AsyncGenerator<LogicalRecord> {
  let current: LogicalRecord | null = null;
  let sawAny = false;
  for await (const r of readRecords(input, errors)) {
    sawAny = true;
    if (r.code === "88") {
      if (!current) {
        errors.add(bai2Error("orphan_continuation", r.line, "recordCode"));
        continue;
      }
      current.bodies.push(r.body);
      current.records += 1;
      current.raw += `\n88,${r.body}/`;
      continue;
    }
    if (current) yield current;
    current = { code: r.code, bodies: [r.body], line: r.line, records: 1, raw: `${r.code},${r.body}/` };
  }
  if (current) yield current;
  if (!sawAny && !errors.any) errors.add(bai2Error("empty_file", 0, null));
}
