import { FormatError } from "../../src/adapter-kit/format-error";

/**
 * Every FormatError code the X12 820 parser raises, with its message template, in one place so the
 * codes stay a closed vocabulary. `line` is always the segment number (1-based, ISA = 1); the
 * physical line is added to the message when the file has line breaks. Messages quote control
 * numbers, counts, amounts and codes, never an account number, a name or an id.
 */
const TEMPLATES = {
  empty_file: () => "the file is empty",
  missing_isa: () => "the file does not begin with an ISA segment",
  invalid_isa: (p: { reason: string }) =>
    `the ISA segment is not the fixed 106-character header, so its delimiters cannot be read: ${p.reason}`,
  segment_too_long: (p: { max: number }) =>
    `no segment terminator within ${p.max} characters (is this the right format?)`,
  invalid_segment_id: (p: { tag: string }) => `${JSON.stringify(p.tag.slice(0, 8))} is not a segment identifier`,
  out_of_place: (p: { tag: string; where: string }) => `${p.tag} segment ${p.where}`,
  truncated: (p: { missing: string; inside: string }) =>
    `the file ends inside ${p.inside}: no ${p.missing} segment (truncated?)`,
  unsupported_transaction_set: (p: { value: string }) => `transaction set ${JSON.stringify(p.value)} is not an 820`,
  unsupported_functional_group: (p: { value: string }) =>
    `functional group ${JSON.stringify(p.value)} is not RA (payment order/remittance advice)`,
  unsupported_version: (p: { value: string; accepted: readonly string[] }) =>
    `version ${JSON.stringify(p.value)} is not one this mapping accepts (${p.accepted.join(", ")})`,
  missing_element: (p: { what: string }) => `${p.what} is required`,
  invalid_amount: (p: { value: string }) =>
    `${JSON.stringify(p.value)} is not a decimal amount with at most two decimals`,
  invalid_date: (p: { value: string; format: string }) => `${JSON.stringify(p.value)} is not a date ${p.format}`,
  missing_bpr: () => "remittance detail before the BPR segment of its transaction set",
  segment_count_mismatch: (p: { declared: string; parsed: number; st: string }) =>
    `SE01 declares ${p.declared} segments; transaction set ${p.st} has ${p.parsed} (ST through SE)`,
  control_number_mismatch: (p: { trailer: string; declared: string; header: string; expected: string }) =>
    `${p.trailer} is ${JSON.stringify(p.declared)} but ${p.header} is ${JSON.stringify(p.expected)}`,
  set_count_mismatch: (p: { declared: string; parsed: number }) =>
    `GE01 declares ${p.declared} transaction sets; the group has ${p.parsed}`,
  group_count_mismatch: (p: { declared: string; parsed: number }) =>
    `IEA01 declares ${p.declared} functional groups; the interchange has ${p.parsed}`,
  payment_total_mismatch: (p: { declared: string; parsed: string; rmrs: number; adjustments: string }) =>
    `BPR02 declares ${p.declared}; the ${p.rmrs} RMR04 amount(s)${p.adjustments} sum to ${p.parsed}`,
  total_out_of_range: (p: { st: string }) =>
    `the RMR04 and ADX01 amounts of transaction set ${p.st} add up past the largest amount this system can hold`,
} as const;

type Templates = typeof TEMPLATES;
export type X12ErrorCode = keyof Templates;
export const X12_ERROR_CODES = Object.keys(TEMPLATES) as X12ErrorCode[];

/** Where a segment sits: its number in the file and the physical line it starts on. */
export interface SegmentPosition {
  index: number;
  line: number;
}

export function x12Error<C extends X12ErrorCode>(
  code: C,
  at: SegmentPosition | null,
  field: string | null,
  ...params: Parameters<Templates[C]>
): FormatError {
  const template = TEMPLATES[code] as (p?: unknown) => string;
  // On a file without line breaks every segment is on line 1: say nothing then.
  const where = at && at.line > 1 && at.line !== at.index ? ` (physical line ${at.line})` : "";
  return new FormatError(code, at?.index ?? 0, field, `${template(params[0])}${where}`);
}
