import { FormatError } from "../../src/adapter-kit/format-error";

/** Every FormatError code the camt reader raises, in one place, with what it means. */
export const CAMT_ERRORS = {
  not_xml: "the file is not an XML document",
  xml_doctype_forbidden: "a DOCTYPE or ENTITY declaration is not accepted in untrusted XML",
  xml_malformed: "the XML is not well formed",
  xml_truncated: "the XML ends before its elements are closed",
  xml_too_deep: "elements are nested deeper than the configured maximum",
  xml_element_too_large: "one element is larger than the configured maximum",
  file_too_large: "the file is larger than the configured maximum",
  unsupported_encoding: "only UTF-8 XML is accepted",
  wrong_message: "the document is not the camt message this adapter reads",
  unsupported_version: "the camt message version is not one the mapping accepts",
  missing_field: "a required element is missing",
  invalid_amount: "an amount is not a decimal with at most two fraction digits",
  invalid_date: "a date is not an ISO date or date-time",
  invalid_value: "an element holds a value outside its code list",
  control_count_mismatch: "a declared number of entries or transactions differs from what the file holds",
  control_sum_mismatch: "a declared sum differs from the sum of the amounts the file holds",
  balance_mismatch: "opening balance plus booked entries does not give the closing balance",
} as const;
export type CamtErrorCode = keyof typeof CAMT_ERRORS;

export function camtError(code: CamtErrorCode, line: number, field: string | null, detail?: string): FormatError {
  return new FormatError(code, line, field, detail ? `${CAMT_ERRORS[code]}: ${detail}` : CAMT_ERRORS[code]);
}
