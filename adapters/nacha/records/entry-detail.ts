import type { FormatError } from "../../../src/adapter-kit/format-error";
import { invalidField, nachaError } from "../errors";
import * as fields from "../fields";
import type { NachaProfile } from "../profile";
import * as transactionCodes from "../transaction-codes";
import type { TransactionCode } from "../transaction-codes";

// Bound once at load, because this module runs once per entry: under tsx (the bench, the tests)
// every use of an imported name is a getter lookup, a tenth of the parse time on a million entries.
const { centsAt, cut, field, isBlank, isDigits, numeric, zeroPad, padText, routingCheckDigit, textAt } = fields;
const { transactionCode } = transactionCodes;

/** Entry detail, record type 6. Positions 40-76 depend on the layout (CIE swaps name and id). */
export const ENTRY_DETAIL = {
  transactionCode: field("transactionCode", 2, 3),
  receivingDfi: field("receivingDfi", 4, 11),
  checkDigit: field("checkDigit", 12, 12),
  dfiAccountNumber: field("dfiAccountNumber", 13, 29),
  amount: field("amount", 30, 39),
  discretionaryData: field("discretionaryData", 77, 78),
  addendaRecordIndicator: field("addendaRecordIndicator", 79, 79),
  traceNumber: field("traceNumber", 80, 94),
} as const;

export const ENTRY_LAYOUTS = {
  /** CIE: the consumer's name, then the consumer's account number with the biller. */
  cie: { individualName: field("individualName", 40, 54), identification: field("identification", 55, 76) },
  /** PPD, CCD, WEB, TEL, COR, …: the individual id (a payee's account reference), then the name. */
  standard: { identification: field("identification", 40, 54), individualName: field("individualName", 55, 76) },
} as const;
export type EntryLayout = keyof typeof ENTRY_LAYOUTS;

export interface EntryDetail {
  transactionCode: string;
  /** Undefined when the code is not a NACHA transaction code. */
  code: TransactionCode | undefined;
  receivingDfi: string;
  checkDigit: string;
  dfiAccountNumber: string;
  /** Cents, or null when the field is not 10 digits. */
  amountCents: number | null;
  individualName: string;
  /** CIE: the member's account number with the biller (as typed, trimmed); other layouts: the individual id. */
  identification: string;
  discretionaryData: string;
  addendaRecordIndicator: string;
  traceNumber: string;
  raw: string;
}

export function parseEntryDetail(line: string, _lineNo: number, layout: EntryLayout): EntryDetail {
  const f = ENTRY_DETAIL;
  const l = ENTRY_LAYOUTS[layout];
  const tc = cut(line, f.transactionCode);
  return {
    transactionCode: tc,
    code: transactionCode(tc),
    receivingDfi: cut(line, f.receivingDfi),
    checkDigit: cut(line, f.checkDigit),
    dfiAccountNumber: textAt(line, f.dfiAccountNumber),
    amountCents: centsAt(line, f.amount),
    individualName: textAt(line, l.individualName),
    identification: textAt(line, l.identification),
    discretionaryData: cut(line, f.discretionaryData),
    addendaRecordIndicator: cut(line, f.addendaRecordIndicator),
    traceNumber: cut(line, f.traceNumber),
    raw: line,
  };
}

/** The 8-digit DFI identification as the entry hash counts it (0 when left blank). */
export function hashContribution(e: EntryDetail): number {
  return numeric(e.receivingDfi) ?? 0;
}

export function validateEntryDetail(e: EntryDetail, profile: NachaProfile, lineNo: number): FormatError[] {
  const f = ENTRY_DETAIL;
  const errors: FormatError[] = [];
  if (!e.code)
    errors.push(nachaError("invalid_transaction_code", lineNo, f.transactionCode.name, { code: e.transactionCode }));
  const blankDfi = profile.allowBlankReceivingDfi && isBlank(e.receivingDfi);
  if (!blankDfi) {
    if (!isDigits(e.receivingDfi) || e.receivingDfi.length !== 8) {
      errors.push(invalidField(lineNo, f.receivingDfi, "8 digits", e.receivingDfi));
    } else {
      const expected = routingCheckDigit(e.receivingDfi);
      if (e.checkDigit !== String(expected)) {
        errors.push(nachaError("invalid_check_digit", lineNo, f.checkDigit.name, { expected, actual: e.checkDigit }));
      }
    }
  }
  if (e.amountCents === null) errors.push(invalidField(lineNo, f.amount, "10 digits of cents", cut(e.raw, f.amount)));
  if (e.addendaRecordIndicator !== "0" && e.addendaRecordIndicator !== "1") {
    errors.push(invalidField(lineNo, f.addendaRecordIndicator, "0 or 1", e.addendaRecordIndicator));
  }
  if (!isDigits(e.traceNumber) || e.traceNumber.length !== 15) {
    errors.push(invalidField(lineNo, f.traceNumber, "15 digits", e.traceNumber));
  }
  return errors;
}

export interface EntryDetailInput {
  transactionCode: string;
  /** 8 digits, or "" to leave positions 4-12 blank (RPPS). */
  receivingDfi: string;
  dfiAccountNumber?: string;
  amountCents: number;
  individualName: string;
  identification: string;
  discretionaryData?: string;
  addenda: boolean;
  traceNumber: string;
}

export function formatEntryDetail(e: EntryDetailInput, layout: EntryLayout): string {
  const dfi = e.receivingDfi ? e.receivingDfi + String(routingCheckDigit(e.receivingDfi)) : "";
  const tail =
    layout === "cie"
      ? padText(e.individualName, 15) + padText(e.identification, 22)
      : padText(e.identification, 15) + padText(e.individualName, 22);
  return (
    "6" +
    e.transactionCode +
    padText(dfi, 9) +
    padText(e.dfiAccountNumber ?? "", 17) +
    zeroPad(e.amountCents, 10) +
    tail +
    padText(e.discretionaryData ?? "", 2) +
    (e.addenda ? "1" : "0") +
    e.traceNumber
  );
}
