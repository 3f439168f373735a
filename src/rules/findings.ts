import type { Finding } from "../model/finding";

/**
 * Every finding code the rules produce, with its severity, in one place. A finding never rejects
 * money; the severity only orders the exception queue. Messages never carry the account digits.
 */
export const RULE_FINDINGS = {
  ssn_suspected: "error",
  invalid_format: "error",
  check_digit_failed: "error",
  unknown_account: "warning",
  account_repaired: "info",
  late: "warning",
  short_lead: "warning",
  early: "info",
  timing_unknown: "info",
  first_payment_late: "error",
  first_payment_short: "error",
} as const satisfies Record<string, Finding["severity"]>;
export type RuleFindingCode = keyof typeof RULE_FINDINGS;

export function finding(code: RuleFindingCode, message: string): Finding {
  return { code, message, severity: RULE_FINDINGS[code] };
}
