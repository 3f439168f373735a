import type { FamilyConformanceHooks } from "../../src/adapter-kit/conformance-hooks";
import { sampleEncoding } from "../../src/adapter-kit/text-decoding";
import { blockCount } from "./controls";
import { cut, field, isBlank, isDigits, replaceField, zeroPad, RECORD_LENGTH, type FieldSpec } from "./fields";
import { BATCH_CONTROL } from "./records/batch-control";
import { FILE_CONTROL, PADDING_LINE } from "./records/file-control";

/**
 * The last 7 digits of the trace number: the sequence of an entry and of its addenda 98/99, and
 * the entry detail sequence number of an addenda 05. Renumbering it keeps every trace unique.
 */
const TRACE_SEQUENCE = field("traceSequence", 88, 94);

/**
 * For the conformance suite's memory test: every batch's entries (with their addenda) repeated
 * `factor` times, traces renumbered so they stay unique, and the batch and file controls scaled to
 * match: counts, debit and credit totals, entry hashes (a blank hash, as RPPS sends, stays blank),
 * block count, and the all-9 padding when the sample was padded. The result is accepted by every
 * profile that accepts the sample. Null when the sample is not one record per line or does not fit.
 */
export function amplify(sample: Buffer, factor: number): Buffer | null {
  // As the parser reads it, so that field positions are character positions.
  const encoding = sampleEncoding(sample, "auto");
  const text = sample.toString(encoding);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/).filter((l) => l !== "");
  const records = lines.filter((l) => l !== PADDING_LINE);
  const padded = lines.length > records.length || lines.length % 10 === 0;
  const stride = traceStride(records);
  const out: string[] = [];
  let batch: string[] | null = null;
  try {
    for (const line of records) {
      const type = line[0];
      if (type === "6" || type === "7") {
        if (!batch) return null;
        batch.push(line);
      } else if (type === "5") {
        batch = [];
        out.push(line);
      } else if (type === "8") {
        if (!batch) return null;
        for (let copy = 0; copy < factor; copy++) for (const body of batch) out.push(renumbered(body, copy * stride));
        out.push(scaledBatchControl(line, factor));
        batch = null;
      } else if (type === "9") {
        out.push(scaledFileControl(line, factor, out.length + 1));
      } else {
        out.push(line);
      }
    }
  } catch (error) {
    if (error instanceof RangeError) return null; // a count or a trace no longer fits its field
    throw error;
  }
  if (padded) while (out.length % 10 !== 0) out.push(PADDING_LINE);
  return Buffer.from(out.join(eol) + eol, encoding);
}

/** One more than the highest trace sequence in the file, so that copy k's sequences follow copy k-1's. */
function traceStride(records: string[]): number {
  let highest = 0;
  for (const line of records) {
    const sequence = cut(line, TRACE_SEQUENCE);
    if ((line[0] === "6" || line[0] === "7") && isDigits(sequence)) highest = Math.max(highest, Number(sequence));
  }
  return highest + 1;
}

function renumbered(line: string, offset: number): string {
  const sequence = cut(line, TRACE_SEQUENCE);
  if (offset === 0 || !isDigits(sequence) || sequence.length !== 7) return line;
  return replaceField(line, TRACE_SEQUENCE, zeroPad(Number(sequence) + offset, 7));
}

function scaledBatchControl(line: string, factor: number): string {
  const f = BATCH_CONTROL;
  return scaled(line, factor, [f.entryAddendaCount, f.totalDebits, f.totalCredits], f.entryHash);
}

/** `records`: the file's records up to and including this control, which the block count counts. */
function scaledFileControl(line: string, factor: number, records: number): string {
  const f = FILE_CONTROL;
  const text = scaled(line, factor, [f.entryAddendaCount, f.totalDebits, f.totalCredits], f.entryHash);
  return isBlank(cut(text, f.blockCount)) ? text : replaceField(text, f.blockCount, zeroPad(blockCount(records), 6));
}

/** Sums multiplied by `factor`; the hash too, kept to its rightmost 10 digits; blank fields stay blank (a short line comes back full length). */
function scaled(line: string, factor: number, sums: FieldSpec[], hash: FieldSpec): string {
  let text = line.padEnd(RECORD_LENGTH, " ");
  for (const spec of sums) {
    const value = cut(text, spec);
    if (isDigits(value)) text = replaceField(text, spec, zeroPad(Number(value) * factor, value.length));
  }
  const declared = cut(text, hash);
  if (isDigits(declared))
    text = replaceField(text, hash, zeroPad((Number(declared) * factor) % 10 ** declared.length, declared.length));
  return text;
}

export const conformanceHooks: FamilyConformanceHooks = { nacha: { amplify } };
