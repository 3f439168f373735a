import type { FormatError } from "../../../src/adapter-kit/format-error";
import { requireNumber } from "../errors";
import { cents, cut, field, isBlank, numeric, zeroPad, padText } from "../fields";
import type { NachaProfile } from "../profile";

/** File control, record type 9 (a line of 94 nines is padding, not a file control). */
export const FILE_CONTROL = {
  batchCount: field("batchCount", 2, 7),
  blockCount: field("blockCount", 8, 13),
  entryAddendaCount: field("entryAddendaCount", 14, 21),
  entryHash: field("entryHash", 22, 31),
  totalDebits: field("totalDebits", 32, 43),
  totalCredits: field("totalCredits", 44, 55),
} as const;

export interface FileControl {
  batchCount: number | null;
  blockCount: number | null;
  blockCountBlank: boolean;
  entryAddendaCount: number | null;
  entryHash: number | null;
  entryHashBlank: boolean;
  totalDebitCents: number | null;
  totalCreditCents: number | null;
  raw: string;
}

export const PADDING_LINE = "9".repeat(94);

export function parseFileControl(line: string, _lineNo: number): FileControl {
  const f = FILE_CONTROL;
  const block = cut(line, f.blockCount);
  const hash = cut(line, f.entryHash);
  return {
    batchCount: numeric(cut(line, f.batchCount)),
    blockCount: numeric(block),
    blockCountBlank: isBlank(block),
    entryAddendaCount: numeric(cut(line, f.entryAddendaCount)),
    entryHash: numeric(hash),
    entryHashBlank: isBlank(hash),
    totalDebitCents: cents(cut(line, f.totalDebits)),
    totalCreditCents: cents(cut(line, f.totalCredits)),
    raw: line,
  };
}

export function validateFileControl(c: FileControl, profile: NachaProfile, lineNo: number): FormatError[] {
  const f = FILE_CONTROL;
  const errors: FormatError[] = [];
  requireNumber(errors, lineNo, c.raw, f.batchCount, c.batchCount);
  if (!(c.blockCountBlank && profile.allowBlankBlockCount))
    requireNumber(errors, lineNo, c.raw, f.blockCount, c.blockCount);
  requireNumber(errors, lineNo, c.raw, f.entryAddendaCount, c.entryAddendaCount);
  if (!(c.entryHashBlank && profile.allowBlankEntryHash))
    requireNumber(errors, lineNo, c.raw, f.entryHash, c.entryHash);
  requireNumber(errors, lineNo, c.raw, f.totalDebits, c.totalDebitCents);
  requireNumber(errors, lineNo, c.raw, f.totalCredits, c.totalCreditCents);
  return errors;
}

export interface FileControlInput {
  batchCount: number;
  /** null leaves it blank (RPPS). */
  blockCount: number | null;
  entryAddendaCount: number;
  entryHash: number | null;
  totalDebitCents: number;
  totalCreditCents: number;
}

export function formatFileControl(c: FileControlInput): string {
  return (
    "9" +
    zeroPad(c.batchCount, 6) +
    (c.blockCount === null ? padText("", 6) : zeroPad(c.blockCount, 6)) +
    zeroPad(c.entryAddendaCount, 8) +
    (c.entryHash === null ? padText("", 10) : zeroPad(c.entryHash, 10)) +
    zeroPad(c.totalDebitCents, 12) +
    zeroPad(c.totalCreditCents, 12) +
    padText("", 39)
  );
}
