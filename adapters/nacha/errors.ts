import { FormatError } from "../../src/adapter-kit/format-error";
import { cut, positions, type FieldSpec } from "./fields";

/** A control's declared figure against the parsed one: "<declares> 12 <unit>; <parsed> 11". */
function mismatch(declares: string, unit: string, parsed: string) {
  return (p: { declared: number; parsed: number }) =>
    `${declares} ${p.declared}${unit ? ` ${unit}` : ""}; ${parsed} ${p.parsed}`;
}

/**
 * Every FormatError code the NACHA parser raises, with its message template, in one place so that
 * the codes stay a closed vocabulary (they are stored on quarantined files and shown to people).
 * Messages never quote account numbers or names: only codes, counts, dates and amounts.
 */
const TEMPLATES = {
  empty_file: () => "the file is empty",
  short_line: (p: { length: number }) => `record is ${p.length} characters long; NACHA records are 94`,
  long_line: (p: { length: number }) => `record is ${p.length} characters long; NACHA records are 94`,
  invalid_encoding: () =>
    "bytes that are not valid UTF-8 in a file read as UTF-8 from its first line beyond ASCII (a file that mixes encodings?)",
  unknown_record_type: (p: { type: string }) => `record type ${JSON.stringify(p.type)} is not one of 1, 5, 6, 7, 8, 9`,
  missing_file_header: () => "the file does not start with a file header (record type 1)",
  duplicate_file_header: () => "a second file header (record type 1)",
  record_outside_batch: (p: { record: string }) => `${p.record} outside a batch (no batch header before it)`,
  missing_batch_control: (p: { endLine: number }) =>
    `batch that starts here has no batch control (record type 8); it ends at line ${p.endLine}`,
  empty_batch: () => "batch has no entries",
  unexpected_addenda: () =>
    "addenda record where none is announced (previous entry's addenda indicator is 0, or no entry)",
  missing_addenda: () => "entry announces an addenda record (indicator 1) but none follows",
  iat_not_supported: () =>
    "IAT (international ACH) batches are not a bill-pay format: their records have other layouts (seven or more " +
    "mandatory addenda 10-16) and this service does not read them; the sender should send domestic entries (CIE, PPD, CCD)",
  too_many_addenda: (p: { sec: string; max: number }) => `${p.sec} entries allow at most ${p.max} addenda record(s)`,
  missing_file_control: () => "file ends here without a file control (record type 9): truncated?",
  data_after_file_control: () => "record after the file control that is not all-9 padding",
  invalid_field: (p: { spec: FieldSpec; expected: string; value: string | null }) =>
    `${p.spec.name} (${positions(p.spec)}) ${p.value === null ? "" : `${JSON.stringify(p.value)} `}is not ${p.expected}`,
  invalid_check_digit: (p: { expected: number; actual: string }) =>
    `check digit ${JSON.stringify(p.actual)} does not match the receiving DFI identification (expected ${p.expected})`,
  invalid_effective_date: (p: { value: string }) =>
    `effective entry date ${JSON.stringify(p.value)} is not a date YYMMDD; the settlement day of the batch is unknown`,
  invalid_transaction_code: (p: { code: string }) =>
    `transaction code ${JSON.stringify(p.code)} is not a NACHA transaction code`,
  return_without_addenda: (p: { code: string }) =>
    `transaction code ${p.code} is a return or notification of change but has no addenda 99 or 98`,
  nonzero_amount: (p: { what: string; cents: number }) => `${p.what} must carry a zero amount, not ${p.cents} cents`,
  service_class_mismatch: (p: { serviceClass: string; direction: string }) =>
    `a ${p.direction} entry in a batch of service class ${p.serviceClass}`,
  batch_header_control_mismatch: (p: { header: string; control: string }) =>
    `batch control says ${JSON.stringify(p.control)} where its batch header says ${JSON.stringify(p.header)}`,
  batch_entry_count_mismatch: mismatch("batch control declares", "entry and addenda records", "the batch has"),
  batch_entry_hash_mismatch: mismatch("batch control declares entry hash", "", "the entries sum to"),
  batch_debit_total_mismatch: mismatch("batch control declares total debits of", "cents", "the entries sum to"),
  batch_credit_total_mismatch: mismatch("batch control declares total credits of", "cents", "the entries sum to"),
  file_batch_count_mismatch: mismatch("file control declares", "batches", "the file has"),
  file_block_count_mismatch: mismatch("file control declares", "blocks of 10 records", "the file needs"),
  file_entry_count_mismatch: mismatch("file control declares", "entry and addenda records", "the file has"),
  file_entry_hash_mismatch: mismatch("file control declares entry hash", "", "the entries sum to"),
  file_debit_total_mismatch: mismatch("file control declares total debits of", "cents", "the entries sum to"),
  file_credit_total_mismatch: mismatch("file control declares total credits of", "cents", "the entries sum to"),
} as const;

type Templates = typeof TEMPLATES;
export type NachaErrorCode = keyof Templates;
export const NACHA_ERROR_CODES = Object.keys(TEMPLATES) as NachaErrorCode[];
/** The codes of a control's declared figure disagreeing with the parsed one. */
export type ControlMismatchCode = Exclude<
  Extract<NachaErrorCode, `${string}_mismatch`>,
  "batch_header_control_mismatch" | "service_class_mismatch"
>;

export function nachaError<C extends NachaErrorCode>(
  code: C,
  line: number,
  fieldName: string | null,
  ...params: Parameters<Templates[C]>
): FormatError {
  const template = TEMPLATES[code] as (p?: unknown) => string;
  return new FormatError(code, line, fieldName, template(params[0]));
}

/** The usual field error: the value is quoted only for fields that hold no personal data. */
export function invalidField(line: number, spec: FieldSpec, expected: string, value: string | null): FormatError {
  return nachaError("invalid_field", line, spec.name, { spec, expected, value });
}

/** Adds an invalid_field error when a numeric field did not parse (its value is null). */
export function requireNumber(
  errors: FormatError[],
  lineNo: number,
  raw: string,
  spec: FieldSpec,
  value: number | null,
): void {
  if (value === null) errors.push(invalidField(lineNo, spec, `${spec.end - spec.start + 1} digits`, cut(raw, spec)));
}
