import type { IsoDate } from "../model/dates";
import { addBankingDays } from "../rules/banking-days";
import { RETURN_REASONS, type ReturnReason } from "../model/enums";
import type { PayeePolicy } from "../rules/payee-policy";

export interface ReturnsPolicy {
  reasons: ReturnReason[];
  deadlineBankingDays: number;
}

/** The policy's `returns:`, or the defaults: every reason, 2 banking days after settlement. */
export function returnsPolicy(policy: Pick<PayeePolicy, "returns">): ReturnsPolicy {
  return policy.returns ?? { reasons: [...RETURN_REASONS], deadlineBankingDays: 2 };
}

/** Reason codes a return is made with when a person did not choose one: an unidentified account. */
export const DEADLINE_REASON: ReturnReason = "R22";

/** Exceptions a payment waits in that the deadline sends back unless a person acts. */
export const UNIDENTIFIED_REASONS = ["invalid_account", "unknown_account"] as const;

/**
 * The day by which an unidentified payment must be returned: `deadlineBankingDays` banking days
 * after it settled. Null when it has no settlement day (it cannot be collected by the deadline).
 */
export function returnBy(settledOn: IsoDate | null, policy: Pick<PayeePolicy, "returns">): IsoDate | null {
  if (!settledOn) return null;
  return addBankingDays(settledOn, returnsPolicy(policy).deadlineBankingDays);
}
