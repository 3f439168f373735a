import type { FormatError } from "../../../src/adapter-kit/format-error";
import { invalidField } from "../errors";
import { cut, field, isDigits, zeroPad, padText, text } from "../fields";
import type { NachaProfile } from "../profile";

/** Addenda, record type 7; positions after 2-3 depend on the addenda type. */
export const ADDENDA = {
  addendaTypeCode: field("addendaTypeCode", 2, 3),
  /** 05: payment related information. */
  paymentRelatedInformation: field("paymentRelatedInformation", 4, 83),
  addendaSequenceNumber: field("addendaSequenceNumber", 84, 87),
  entryDetailSequenceNumber: field("entryDetailSequenceNumber", 88, 94),
  /** 99 return / 98 NOC. */
  reasonCode: field("reasonCode", 4, 6),
  originalTrace: field("originalTrace", 7, 21),
  dateOfDeath: field("dateOfDeath", 22, 27),
  originalDfi: field("originalDfi", 28, 35),
  correctedData: field("correctedData", 36, 64),
  addendaInformation: field("addendaInformation", 36, 79),
  traceNumber: field("traceNumber", 80, 94),
} as const;

export interface PaymentAddenda {
  type: "05";
  text: string;
  sequence: string;
  entrySequence: string;
}

/** A return (99): R01…; dishonored and contested returns (R61-R77) share the first fields. */
export interface ReturnAddenda {
  type: "99";
  reasonCode: string;
  originalTrace: string;
  dateOfDeath: string | null;
  originalDfi: string;
  information: string;
  traceNumber: string;
}

/** A notification of change (98): C01…, with the corrected data (C09: the consumer account number). */
export interface ChangeAddenda {
  type: "98";
  changeCode: string;
  originalTrace: string;
  originalDfi: string;
  correctedData: string;
  traceNumber: string;
}

/** Any other addenda type (02 POS, 10-18 IAT): kept as text. */
export interface OtherAddenda {
  type: string;
  text: string;
}

export type Addenda = PaymentAddenda | ReturnAddenda | ChangeAddenda | OtherAddenda;

export function parseAddenda(line: string, _lineNo: number): Addenda {
  const f = ADDENDA;
  const type = cut(line, f.addendaTypeCode);
  switch (type) {
    case "05":
      return {
        type,
        text: text(cut(line, f.paymentRelatedInformation)),
        sequence: cut(line, f.addendaSequenceNumber),
        entrySequence: cut(line, f.entryDetailSequenceNumber),
      };
    case "99": {
      const death = cut(line, f.dateOfDeath).trim();
      return {
        type,
        reasonCode: cut(line, f.reasonCode),
        originalTrace: cut(line, f.originalTrace),
        dateOfDeath: death === "" ? null : death,
        originalDfi: cut(line, f.originalDfi),
        information: text(cut(line, f.addendaInformation)),
        traceNumber: cut(line, f.traceNumber),
      };
    }
    case "98":
      return {
        type,
        changeCode: cut(line, f.reasonCode),
        originalTrace: cut(line, f.originalTrace),
        originalDfi: cut(line, f.originalDfi),
        correctedData: text(cut(line, f.correctedData)),
        traceNumber: cut(line, f.traceNumber),
      };
    default:
      return { type, text: text(line.slice(3)) };
  }
}

export function isPaymentAddenda(a: Addenda): a is PaymentAddenda {
  return a.type === "05";
}
export function isReturnAddenda(a: Addenda): a is ReturnAddenda {
  return a.type === "99";
}
export function isChangeAddenda(a: Addenda): a is ChangeAddenda {
  return a.type === "98";
}

export function validateAddenda(a: Addenda, _profile: NachaProfile, lineNo: number): FormatError[] {
  const f = ADDENDA;
  const errors: FormatError[] = [];
  if (!isDigits(a.type) || a.type.length !== 2)
    errors.push(invalidField(lineNo, f.addendaTypeCode, "2 digits", a.type));
  if (isPaymentAddenda(a)) {
    if (!isDigits(a.sequence)) errors.push(invalidField(lineNo, f.addendaSequenceNumber, "4 digits", a.sequence));
    if (!isDigits(a.entrySequence))
      errors.push(invalidField(lineNo, f.entryDetailSequenceNumber, "7 digits", a.entrySequence));
  } else if (isReturnAddenda(a) || isChangeAddenda(a)) {
    const code = isReturnAddenda(a) ? a.reasonCode : a.changeCode;
    const pattern = isReturnAddenda(a) ? /^R\d\d$/ : /^C\d\d$/;
    if (!pattern.test(code)) {
      errors.push(
        invalidField(lineNo, f.reasonCode, isReturnAddenda(a) ? "a return reason R01…" : "a change code C01…", code),
      );
    }
    if (!isDigits(a.originalTrace) || a.originalTrace.length !== 15) {
      errors.push(invalidField(lineNo, f.originalTrace, "15 digits", a.originalTrace));
    }
    if (!isDigits(a.traceNumber) || a.traceNumber.length !== 15) {
      errors.push(invalidField(lineNo, f.traceNumber, "15 digits", a.traceNumber));
    }
  }
  return errors;
}

export function formatPaymentAddenda(text05: string, sequence: number, traceNumber: string): string {
  return "705" + padText(text05, 80) + zeroPad(sequence, 4) + traceNumber.slice(-7);
}

export function formatReturnAddenda(a: Omit<ReturnAddenda, "type">): string {
  return (
    "799" +
    a.reasonCode +
    a.originalTrace +
    padText(a.dateOfDeath ?? "", 6) +
    padText(a.originalDfi, 8) +
    padText(a.information, 44) +
    a.traceNumber
  );
}

export function formatChangeAddenda(a: Omit<ChangeAddenda, "type">): string {
  return (
    "798" +
    a.changeCode +
    a.originalTrace +
    padText("", 6) +
    padText(a.originalDfi, 8) +
    padText(a.correctedData, 29) +
    padText("", 15) +
    a.traceNumber
  );
}
