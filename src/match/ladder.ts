import {
  formatUsd,
  type AccountStatus,
  type ExceptionReason,
  type MatchStatus,
  type PaymentRecordStatus,
  type PlanType,
} from "../model";
import { addMonths } from "../rules/local-date";
import { balanceCents, type Invoice } from "./invoices";

/**
 * The matching ladder for one `payment` (money in), as a pure function of what the database
 * knows. Each rung names its rule and says why in words a person can check. Money is applied
 * automatically only to one unambiguous invoice; anything else lands in the exception queue.
 *
 *   1. resent_payment / same_trace / same_account_amount_day → duplicate_suspect
 *   2. invalid_account (bad form, check digit, SSN-like)     → invalid_account
 *   3. no billing data at all                                → no decision (waits for billing data)
 *   4. unknown_account (valid form, not on file)             → unknown_account
 *   5. exact (account + coverage month + amount)             → matched
 *   6. combined_plans (health + dental of that month)        → combined_plans (never split, R5)
 *   7. partial / overpaid against the month's invoice        → partial / overpaid
 */

export interface LadderPayment {
  id: string;
  status: PaymentRecordStatus;
  amountCents: number;
  accountNumber: string | null;
  accountStatus: AccountStatus;
  coverageMonth: string | null;
  planType: PlanType | null;
}

export interface DuplicateHint {
  rule: "resent_payment" | "same_trace" | "same_account_amount_day";
  paymentId: string | null;
  fileName: string | null;
}

export interface LadderFacts {
  billingDataExists: boolean;
  duplicate: DuplicateHint | null;
  /** Every invoice of the payment's account, oldest month first. */
  invoices: Invoice[];
}

export interface Application {
  invoice: Invoice;
  cents: number;
}

export interface ExceptionDraft {
  reason: ExceptionReason;
  message: string;
  amountCents: number;
  invoiceId: string | null;
  details: Record<string, unknown>;
}

export interface LadderDecision {
  outcome: MatchStatus;
  rule: string;
  reason: string;
  applications: Application[];
  /** The invoice the payment is for, when one is clear: its month and first-payment flag re-time the payment. */
  invoice: Invoice | null;
  exception: ExceptionDraft | null;
}

const INVALID_REASONS: Partial<Record<AccountStatus, string>> = {
  invalid_format: "the account number does not have the payee's form (9 digits beginning with 7)",
  check_digit_failed: "the account number fails the payee's check digit",
  ssn_suspected: "the account field looks like a Social Security Number (kept masked); a person must find the member",
};

function describe(i: Invoice): string {
  return `${i.invoiceNumber} (${i.plan} ${i.coverageMonth}, ${formatUsd(balanceCents(i))} owed)`;
}

function exception(
  reason: ExceptionReason,
  message: string,
  amountCents: number,
  invoices: Invoice[],
  details: Record<string, unknown> = {},
): ExceptionDraft {
  return {
    reason,
    message,
    amountCents,
    invoiceId: invoices.length === 1 ? invoices[0].id : null,
    details: { ...details, invoices: invoices.map((i) => i.invoiceNumber) },
  };
}

/**
 * The coverage month this payment pays: its own when open, else the month before (a payment made
 * after the 23rd dates itself into the next month: it is the late payment of this one). Older
 * arrears and months ahead are a person's call. A payment with no month pays the oldest open one.
 */
function targetMonth(month: string | null, open: Invoice[]): string | null {
  const months = [...new Set(open.map((i) => i.coverageMonth))].sort();
  if (month === null) return months[0];
  return [month, addMonths(month, -1)].find((m) => months.includes(m)) ?? null;
}

/** One rung after another; the first that speaks decides. Null: no billing data yet, so the payment waits. */
export function decide(p: LadderPayment, facts: LadderFacts): LadderDecision | null {
  const early = duplicateRung(p, facts) ?? invalidAccountRung(p);
  if (early) return early;
  if (!facts.billingDataExists) return null;
  return unknownAccountRung(p, facts) ?? decideOnInvoices(p, facts.invoices);
}

/** A decision that applies nothing: the payment waits in the exception queue for a person. */
function queued(outcome: MatchStatus, rule: string, why: string, draft: ExceptionDraft): LadderDecision {
  return { outcome, rule, reason: why, applications: [], invoice: null, exception: draft };
}

function duplicateRung(p: LadderPayment, facts: LadderFacts): LadderDecision | null {
  if (p.status !== "duplicate" && !facts.duplicate) return null;
  const d = facts.duplicate ?? { rule: "resent_payment" as const, paymentId: null, fileName: null };
  const where = d.fileName ? ` in file ${d.fileName}` : "";
  const why = {
    resent_payment: `the same payment (trace, settlement day, amount) was already received${where}; it is counted once`,
    same_trace: `a payment with the same trace was already received${where}`,
    same_account_amount_day: `a payment of ${formatUsd(p.amountCents)} to the same account settling the same day was already received${where}`,
  }[d.rule];
  return queued(
    "duplicate_suspect",
    d.rule,
    why,
    exception("duplicate_suspect", why, p.amountCents, [], { duplicate_of: d.paymentId }),
  );
}

function invalidAccountRung(p: LadderPayment): LadderDecision | null {
  const invalid = INVALID_REASONS[p.accountStatus];
  if (!invalid && p.accountNumber !== null) return null;
  const why = invalid ?? "the payment carries no usable account number";
  return queued("invalid_account", "invalid_account", why, exception("invalid_account", why, p.amountCents, []));
}

function unknownAccountRung(p: LadderPayment, facts: LadderFacts): LadderDecision | null {
  if (facts.invoices.length > 0) return null;
  const why = "the account number has a valid form but billing data has no such account";
  return queued("unknown_account", "unknown_account", why, exception("unknown_account", why, p.amountCents, []));
}

/** The month a payment is weighed against, once the ladder has found one. */
interface MonthInView {
  p: LadderPayment;
  amount: string;
  month: string;
  /** Said of a payment applied to the month before its own. */
  late: string;
  /** Every open invoice of the month, whatever its plan. */
  monthOpen: Invoice[];
  /** The month's open invoices this payment may pay (its own plan's, when it names one). */
  candidates: Invoice[];
}

function decideOnInvoices(p: LadderPayment, invoices: Invoice[]): LadderDecision {
  const open = invoices.filter((i) => balanceCents(i) > 0);
  // A payment that names its plan (X12 820) pays only that plan's invoices.
  const pool = p.planType ? open.filter((i) => i.plan === p.planType) : open;
  const month = pool.length === 0 ? null : targetMonth(p.coverageMonth, pool);
  if (month === null) return noOpenInvoiceRung(p, pool);
  const view: MonthInView = {
    p,
    amount: formatUsd(p.amountCents),
    month,
    late:
      p.coverageMonth !== null && month < p.coverageMonth
        ? ` (paid after its due date; the payment's own dates point to ${p.coverageMonth})`
        : "",
    monthOpen: open.filter((i) => i.coverageMonth === month),
    candidates: pool.filter((i) => i.coverageMonth === month),
  };
  return exactRung(view) ?? combinedPlansRung(view) ?? oneInvoiceRung(view) ?? unclearPlanRung(view);
}

function noOpenInvoiceRung(p: LadderPayment, pool: Invoice[]): LadderDecision {
  const amount = formatUsd(p.amountCents);
  const why =
    pool.length === 0
      ? `every billed ${p.planType ? `${p.planType} ` : ""}month of this account is paid; ${amount} is not owed`
      : `nothing is owed for ${p.coverageMonth} or the month before; ${amount} is not applied (open elsewhere: ${pool.map(describe).join(", ")})`;
  return queued("overpaid", "no_open_invoice", why, exception("overpaid", why, p.amountCents, []));
}

function exactRung({ p, amount, month, late, candidates }: MonthInView): LadderDecision | null {
  const exact = candidates.find((i) => balanceCents(i) === p.amountCents);
  if (!exact) return null;
  return {
    outcome: "matched",
    rule: "exact",
    reason: `account, coverage month ${month} and amount ${amount} equal invoice ${exact.invoiceNumber}${late}`,
    applications: [{ invoice: exact, cents: p.amountCents }],
    invoice: exact,
    exception: null,
  };
}

function combinedPlansRung({ p, amount, month, monthOpen }: MonthInView): LadderDecision | null {
  const health = monthOpen.find((i) => i.plan === "health");
  const dental = monthOpen.find((i) => i.plan === "dental");
  if (!health || !dental || balanceCents(health) + balanceCents(dental) !== p.amountCents) return null;
  const why = `${amount} equals the health plus dental premiums for ${month} (${describe(health)} + ${describe(dental)}); each plan must be paid separately, a person splits it`;
  return queued(
    "combined_plans",
    "combined_plans",
    why,
    exception("combined_plans", why, p.amountCents, [health, dental]),
  );
}

/** One invoice for the month: apply what fits, and queue the shortfall or the excess. */
function oneInvoiceRung({ p, amount, month, late, candidates }: MonthInView): LadderDecision | null {
  if (candidates.length !== 1) return null;
  const invoice = candidates[0];
  const owed = balanceCents(invoice);
  if (p.amountCents < owed) {
    const short = owed - p.amountCents;
    const why = `${amount} is ${formatUsd(short)} less than the ${formatUsd(owed)} owed on ${invoice.invoiceNumber} for ${month}${late}; applied, the rest is still owed`;
    return {
      outcome: "partial",
      rule: "partial",
      reason: why,
      applications: [{ invoice, cents: p.amountCents }],
      invoice,
      exception: exception("partial", why, short, [invoice]),
    };
  }
  const excess = p.amountCents - owed;
  const why = `${amount} is ${formatUsd(excess)} more than the ${formatUsd(owed)} owed on ${invoice.invoiceNumber} for ${month}${late}; the amount owed is applied, the excess is not`;
  return {
    outcome: "overpaid",
    rule: "overpaid",
    reason: why,
    applications: [{ invoice, cents: owed }],
    invoice,
    exception: exception("overpaid", why, excess, [invoice]),
  };
}

/** Health and dental both open and the payment fits neither: which plan it pays is a person's call. */
function unclearPlanRung({ p, amount, month, candidates }: MonthInView): LadderDecision {
  const total = candidates.reduce((sum, i) => sum + balanceCents(i), 0);
  const list = candidates.map(describe).join(" and ");
  if (p.amountCents < total) {
    const why = `${amount} fits no single invoice for ${month} and is less than ${list} together; which plan it pays is unclear`;
    return queued("partial", "partial_unclear_plan", why, exception("partial", why, p.amountCents, candidates));
  }
  const why = `${amount} is more than ${list} together`;
  return queued(
    "overpaid",
    "overpaid_unclear_plan",
    why,
    exception("overpaid", why, p.amountCents - total, candidates),
  );
}
