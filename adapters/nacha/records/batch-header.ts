import type { FormatError } from "../../../src/adapter-kit/format-error";
import { invalidField, nachaError } from "../errors";
import { cut, field, isDigits, zeroPad, padText, text, yymmddToIso } from "../fields";
import type { NachaProfile } from "../profile";

/** Batch header, record type 5. */
export const BATCH_HEADER = {
  serviceClassCode: field("serviceClassCode", 2, 4),
  companyName: field("companyName", 5, 20),
  companyDiscretionaryData: field("companyDiscretionaryData", 21, 40),
  companyIdentification: field("companyIdentification", 41, 50),
  standardEntryClassCode: field("standardEntryClassCode", 51, 53),
  companyEntryDescription: field("companyEntryDescription", 54, 63),
  companyDescriptiveDate: field("companyDescriptiveDate", 64, 69),
  effectiveEntryDate: field("effectiveEntryDate", 70, 75),
  settlementDate: field("settlementDate", 76, 78),
  originatorStatusCode: field("originatorStatusCode", 79, 79),
  originatingDfi: field("originatingDfi", 80, 87),
  batchNumber: field("batchNumber", 88, 94),
} as const;

/** 200 mixed, 220 credits only, 225 debits only, 280 automated accounting advices. */
export const SERVICE_CLASS_CODES: ReadonlySet<string> = new Set(["200", "220", "225", "280"]);

export interface BatchHeader {
  serviceClassCode: string;
  /** RPPS: the biller's name. */
  companyName: string;
  companyDiscretionaryData: string;
  /** RPPS: the 10-digit Biller ID. Trimmed. */
  companyIdentification: string;
  standardEntryClassCode: string;
  /** Trimmed; RPPS: RPSPAYMENT or REVERSAL. */
  companyEntryDescription: string;
  companyDescriptiveDate: string;
  /** ISO day of the descriptive date when it is a date (many senders put text there), else null. */
  descriptiveDay: string | null;
  effectiveEntryDate: string;
  /** ISO day of the effective entry date, or null when it is not a date. */
  effectiveDay: string | null;
  settlementDate: string;
  originatorStatusCode: string;
  originatingDfi: string;
  batchNumber: string;
  raw: string;
}

export function parseBatchHeader(line: string, _lineNo: number): BatchHeader {
  const f = BATCH_HEADER;
  const descriptive = cut(line, f.companyDescriptiveDate);
  const effective = cut(line, f.effectiveEntryDate);
  return {
    serviceClassCode: cut(line, f.serviceClassCode),
    companyName: text(cut(line, f.companyName)),
    companyDiscretionaryData: text(cut(line, f.companyDiscretionaryData)),
    companyIdentification: cut(line, f.companyIdentification).trim(),
    standardEntryClassCode: cut(line, f.standardEntryClassCode),
    companyEntryDescription: text(cut(line, f.companyEntryDescription)),
    companyDescriptiveDate: descriptive,
    descriptiveDay: yymmddToIso(descriptive),
    effectiveEntryDate: effective,
    effectiveDay: yymmddToIso(effective),
    settlementDate: cut(line, f.settlementDate),
    originatorStatusCode: cut(line, f.originatorStatusCode),
    originatingDfi: cut(line, f.originatingDfi),
    batchNumber: cut(line, f.batchNumber),
    raw: line,
  };
}

/** NACHA: reversing entries are sent in a batch whose company entry description is REVERSAL. */
export function isReversalBatch(h: BatchHeader): boolean {
  return h.companyEntryDescription.toUpperCase() === "REVERSAL";
}

/** CIE swaps the name and the identification fields of the entry relative to PPD, CCD and the rest. */
export function entryLayoutOf(h: BatchHeader): "cie" | "standard" {
  return h.standardEntryClassCode === "CIE" ? "cie" : "standard";
}

export function validateBatchHeader(h: BatchHeader, profile: NachaProfile, lineNo: number): FormatError[] {
  const f = BATCH_HEADER;
  const errors: FormatError[] = [];
  if (!SERVICE_CLASS_CODES.has(h.serviceClassCode)) {
    errors.push(invalidField(lineNo, f.serviceClassCode, "200, 220, 225 or 280", h.serviceClassCode));
  }
  if (h.companyIdentification === "") errors.push(invalidField(lineNo, f.companyIdentification, "given", null));
  if (!/^[A-Z]{3}$/.test(h.standardEntryClassCode)) {
    errors.push(invalidField(lineNo, f.standardEntryClassCode, "a three-letter SEC code", h.standardEntryClassCode));
  }
  // Returns may carry 000000 (see the leniency); whether that is acceptable is decided per entry.
  if (h.effectiveDay === null && !profile.allowMissingEffectiveDateOnReturns) {
    errors.push(
      nachaError("invalid_effective_date", lineNo, f.effectiveEntryDate.name, { value: h.effectiveEntryDate }),
    );
  }
  if (!/^[012]$/.test(h.originatorStatusCode)) {
    errors.push(invalidField(lineNo, f.originatorStatusCode, "0, 1 or 2", h.originatorStatusCode));
  }
  if (!isDigits(h.originatingDfi)) errors.push(invalidField(lineNo, f.originatingDfi, "8 digits", h.originatingDfi));
  if (!isDigits(h.batchNumber)) errors.push(invalidField(lineNo, f.batchNumber, "7 digits", h.batchNumber));
  return errors;
}

export interface BatchHeaderInput {
  serviceClassCode: string;
  companyName: string;
  companyDiscretionaryData?: string;
  companyIdentification: string;
  standardEntryClassCode: string;
  companyEntryDescription: string;
  companyDescriptiveDate: string;
  effectiveEntryDate: string;
  settlementDate?: string;
  originatingDfi: string;
  batchNumber: number;
}

export function formatBatchHeader(h: BatchHeaderInput): string {
  return (
    "5" +
    h.serviceClassCode +
    padText(h.companyName, 16) +
    padText(h.companyDiscretionaryData ?? "", 20) +
    padText(h.companyIdentification, 10) +
    padText(h.standardEntryClassCode, 3) +
    padText(h.companyEntryDescription, 10) +
    padText(h.companyDescriptiveDate, 6) +
    padText(h.effectiveEntryDate, 6) +
    padText(h.settlementDate ?? "", 3) +
    "1" +
    padText(h.originatingDfi, 8) +
    zeroPad(h.batchNumber, 7)
  );
}
