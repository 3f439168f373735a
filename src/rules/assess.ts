import type { PayeePolicy } from "./payee-policy";
import type { ParsedPaymentDraft, PaymentAssessment } from "../model";
import { checkAccount } from "./account";
import { assessTiming, type TimingAssessment } from "./timing";

/** What the caller knows beyond the payment itself (from billing data, once matching exists). */
export interface AssessContext {
  /** The coverage month of the invoice this payment was matched to. */
  invoiceCoverageMonth?: string | null;
  /** This is the member's first payment (enrollment completes only when it is paid in full, on time). */
  firstPayment?: boolean;
  /** Amount due for that coverage month, to tell a short first payment. */
  amountDueCents?: number | null;
  /** Whether billing data knows this account number; null when no billing data exists. */
  knownAccount?: boolean | null;
}

/**
 * The account and timing rules for one payment (RULES.md R1–R4). Findings never reject money:
 * they are stored with the payment. Only a `payment` is timed against the 23rd; prenotes and NOCs
 * move no money, and returns and reversals undo an earlier entry, so their timing is not applicable.
 */
export function assessPayment(
  draft: ParsedPaymentDraft,
  policy: PayeePolicy,
  context: AssessContext = {},
): PaymentAssessment {
  const account = checkAccount(draft.accountRaw, policy, { knownAccount: context.knownAccount });
  const stated = context.invoiceCoverageMonth ?? draft.coverageMonth;
  const timing: TimingAssessment =
    draft.kind === "payment"
      ? assessTiming(
          {
            coverageMonth: stated,
            initiatedOn: draft.initiatedOn,
            settledOn: draft.settledOn,
            firstPayment: context.firstPayment,
            shortPaid: context.amountDueCents != null && draft.amountCents < context.amountDueCents,
          },
          policy,
        )
      : {
          coverageMonth: stated,
          dueOn: null,
          leadDays: null,
          timingStatus: "not_applicable",
          earliestCoverageStart: null,
          findings: [],
        };
  return {
    accountRaw: account.accountRaw,
    accountNumber: account.accountNumber,
    accountStatus: account.status,
    coverageMonth: timing.coverageMonth,
    dueOn: timing.dueOn,
    leadDays: timing.leadDays,
    timingStatus: timing.timingStatus,
    earliestCoverageStart: timing.earliestCoverageStart,
    findings: [...account.findings, ...timing.findings],
  };
}
