import { FormatError } from "../../src/adapter-kit/format-error";

/**
 * Every FormatError code the BAI2 parser raises, with its message template, in one place. `line` is
 * the physical line a record starts on; `field` is "<record code>.<field name>", e.g.
 * "49.accountControlTotal". Messages quote codes, counts, dates and amounts (in cents, as BAI2
 * writes them), never a customer reference or text, which may hold an account number or an SSN.
 */
const TEMPLATES = {
  empty_file: () => "the file is empty",
  invalid_record_code: (p: { code: string }) =>
    `${JSON.stringify(p.code.slice(0, 8))} is not a BAI2 record code (01, 02, 03, 16, 49, 88, 98, 99)`,
  malformed_record_code: (p: { code: string }) =>
    `${JSON.stringify(p.code.slice(0, 3))} looks like a record code without its comma; read as text continuing the previous record`,
  out_of_place: (p: { record: string; after: string }) => `${p.record} record after ${p.after}`,
  orphan_continuation: () => "88 continuation record with no record before it to continue",
  truncated: (p: { missing: string }) => `the file ends without ${p.missing} (truncated?)`,
  unsupported_version: (p: { value: string }) => `version ${JSON.stringify(p.value)} is not 2 (BAI2)`,
  missing_field: (p: { what: string }) => `${p.what} is required`,
  invalid_amount: (p: { value: string; signed: boolean }) =>
    `${JSON.stringify(p.value)} is not an amount in cents (${p.signed ? "optional sign, then " : ""}digits only)`,
  invalid_number: (p: { value: string }) => `${JSON.stringify(p.value)} is not a whole number`,
  invalid_date: (p: { value: string }) => `${JSON.stringify(p.value)} is not a date YYMMDD`,
  invalid_type_code: (p: { value: string }) => `${JSON.stringify(p.value)} is not a three-digit type code`,
  invalid_funds_type: (p: { value: string }) =>
    `funds type ${JSON.stringify(p.value)} is not one of 0, 1, 2, S, V, D, Z`,
  control_total_mismatch: (p: { record: string; declared: number; parsed: number; what: string }) =>
    `${p.record} declares ${p.declared}; ${p.what} sum to ${p.parsed}`,
  count_mismatch: (p: { record: string; declared: number; parsed: number; what: string }) =>
    `${p.record} declares ${p.declared}; ${p.what} ${p.parsed}`,
} as const;

type Templates = typeof TEMPLATES;
export type Bai2ErrorCode = keyof Templates;
export const BAI2_ERROR_CODES = Object.keys(TEMPLATES) as Bai2ErrorCode[];

export function bai2Error<C extends Bai2ErrorCode>(
  code: C,
  line: number,
  field: string | null,
  ...params: Parameters<Templates[C]>
): FormatError {
  const template = TEMPLATES[code] as (p?: unknown) => string;
  return new FormatError(code, line, field, template(params[0]));
}
