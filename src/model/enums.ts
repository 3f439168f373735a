/** Closed vocabularies shared by the database, JSON output and reports (snake_case, one meaning each). */

export const PAYMENT_KINDS = ["payment", "reversal", "return", "prenote", "noc"] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/** Kinds that move money. A prenote is a zero-dollar test entry and a NOC only corrects data. */
export const MONEY_KINDS: ReadonlySet<PaymentKind> = new Set(["payment", "reversal", "return"]);

export const ACCOUNT_STATUSES = [
  "valid",
  "repaired",
  "invalid_format",
  "check_digit_failed",
  "ssn_suspected",
  "unknown_account",
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** `not_applicable`: prenotes and NOCs move no money, and returns and reversals are not timed against the 23rd. */
export const TIMING_STATUSES = ["early", "recommended", "short_lead", "late", "unknown", "not_applicable"] as const;
export type TimingStatus = (typeof TIMING_STATUSES)[number];

export const MATCH_STATUSES = [
  "unmatched",
  "matched",
  "combined_plans",
  "partial",
  "overpaid",
  "unknown_account",
  "invalid_account",
  "duplicate_suspect",
  "reversed",
  "not_applicable",
  // Returns to the network (src/returns): resolved or collected as a return, then built into a return file.
  "to_return",
  "returned",
] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];

export const PLAN_TYPES = ["health", "dental"] as const;
export type PlanType = (typeof PLAN_TYPES)[number];

/** Life of a file in the ledger. `failed` is an unexpected error: the file is retryable. */
export const FILE_STATUSES = ["posted", "quarantined", "duplicate", "failed"] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/** `duplicate`: the same payment already arrived in another file; stored, linked, never counted. */
export const PAYMENT_RECORD_STATUSES = ["active", "duplicate"] as const;
export type PaymentRecordStatus = (typeof PAYMENT_RECORD_STATUSES)[number];

/** Why a payment is in the queue; the same word in the database, JSON and the report. */
export const EXCEPTION_REASONS = [
  "combined_plans",
  "partial",
  "overpaid",
  "unknown_account",
  "invalid_account",
  "duplicate_suspect",
  "original_not_found",
  "account_correction",
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

/** Return reason codes a payee sends back with (R21 invalid biller id, R22 invalid account, R23 refused by biller, R24 duplicate). */
export const RETURN_REASONS = ["R21", "R22", "R23", "R24"] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/**
 * The rule of a decision the repair rung made: a wrong account number replaced by the one repair
 * suggestion above the payee policy's threshold, with no person (the ladder's rules are its own strings).
 */
export const REPAIRED_MATCH = "repaired_match";

/** The rules that match a payment with no person: the ladder's exact rung and the policy's auto-applied repair. */
export const AUTO_MATCH_RULES = ["exact", REPAIRED_MATCH] as const;
export type AutoMatchRule = (typeof AUTO_MATCH_RULES)[number];

export function isAutoMatchRule(rule: string): rule is AutoMatchRule {
  return (AUTO_MATCH_RULES as readonly string[]).includes(rule);
}
