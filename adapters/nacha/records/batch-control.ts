import type { FormatError } from "../../../src/adapter-kit/format-error";
import { requireNumber } from "../errors";
import { cents, cut, field, isBlank, numeric, zeroPad, padText } from "../fields";
import type { NachaProfile } from "../profile";

/** Batch control, record type 8. */
export const BATCH_CONTROL = {
  serviceClassCode: field("serviceClassCode", 2, 4),
  entryAddendaCount: field("entryAddendaCount", 5, 10),
  entryHash: field("entryHash", 11, 20),
  totalDebits: field("totalDebits", 21, 32),
  totalCredits: field("totalCredits", 33, 44),
  companyIdentification: field("companyIdentification", 45, 54),
  messageAuthenticationCode: field("messageAuthenticationCode", 55, 73),
  originatingDfi: field("originatingDfi", 80, 87),
  batchNumber: field("batchNumber", 88, 94),
} as const;

export interface BatchControl {
  serviceClassCode: string;
  /** Numbers are null when the field is not all digits (a blank hash included). */
  entryAddendaCount: number | null;
  entryHash: number | null;
  entryHashBlank: boolean;
  totalDebitCents: number | null;
  totalCreditCents: number | null;
  companyIdentification: string;
  originatingDfi: string;
  batchNumber: string;
  raw: string;
}

export function parseBatchControl(line: string, _lineNo: number): BatchControl {
  const f = BATCH_CONTROL;
  const hash = cut(line, f.entryHash);
  return {
    serviceClassCode: cut(line, f.serviceClassCode),
    entryAddendaCount: numeric(cut(line, f.entryAddendaCount)),
    entryHash: numeric(hash),
    entryHashBlank: isBlank(hash),
    totalDebitCents: cents(cut(line, f.totalDebits)),
    totalCreditCents: cents(cut(line, f.totalCredits)),
    companyIdentification: cut(line, f.companyIdentification).trim(),
    originatingDfi: cut(line, f.originatingDfi),
    batchNumber: cut(line, f.batchNumber),
    raw: line,
  };
}

export function validateBatchControl(c: BatchControl, profile: NachaProfile, lineNo: number): FormatError[] {
  const f = BATCH_CONTROL;
  const errors: FormatError[] = [];
  requireNumber(errors, lineNo, c.raw, f.entryAddendaCount, c.entryAddendaCount);
  if (!(c.entryHashBlank && profile.allowBlankEntryHash))
    requireNumber(errors, lineNo, c.raw, f.entryHash, c.entryHash);
  requireNumber(errors, lineNo, c.raw, f.totalDebits, c.totalDebitCents);
  requireNumber(errors, lineNo, c.raw, f.totalCredits, c.totalCreditCents);
  return errors;
}

export interface BatchControlInput {
  serviceClassCode: string;
  entryAddendaCount: number;
  /** null writes a blank hash (as RPPS does). */
  entryHash: number | null;
  totalDebitCents: number;
  totalCreditCents: number;
  companyIdentification: string;
  originatingDfi: string;
  batchNumber: number;
}

export function formatBatchControl(c: BatchControlInput): string {
  return (
    "8" +
    c.serviceClassCode +
    zeroPad(c.entryAddendaCount, 6) +
    (c.entryHash === null ? padText("", 10) : zeroPad(c.entryHash, 10)) +
    zeroPad(c.totalDebitCents, 12) +
    zeroPad(c.totalCreditCents, 12) +
    padText(c.companyIdentification, 10) +
    padText("", 25) +
    padText(c.originatingDfi, 8) +
    zeroPad(c.batchNumber, 7)
  );
}
