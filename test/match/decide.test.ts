import { expect } from "chai";
import type { Invoice } from "../../src/match/invoices";
import { decide, type DuplicateHint, type LadderFacts, type LadderPayment } from "../../src/match/ladder";
import type { ExceptionReason, MatchStatus, PlanType } from "../../src/model";

/**
 * The ladder as the pure function it is: no database, every rung and its reason in one table.
 * ladder.test.ts runs the same rungs through ingest and the matcher; this table pins each rung's
 * decision exactly, so a rung that changes (its order, outcome, rule, money or words) fails here.
 */

function invoice(
  number: string,
  plan: PlanType,
  month: string,
  dueCents: number,
  more: Partial<Invoice> = {},
): Invoice {
  return {
    id: `id-${number}`,
    invoiceNumber: number,
    accountNumber: "712345686",
    memberName: "Thomas Nguyen",
    plan,
    coverageMonth: month,
    amountDueCents: dueCents,
    firstPayment: false,
    paidCents: 0,
    status: "open",
    ...more,
  };
}

function payment(more: Partial<LadderPayment> = {}): LadderPayment {
  return {
    id: "pay-1",
    status: "active",
    amountCents: 34000,
    accountNumber: "712345686",
    accountStatus: "valid",
    coverageMonth: "2017-04",
    planType: null,
    ...more,
  };
}

function facts(invoices: Invoice[], more: Partial<LadderFacts> = {}): LadderFacts {
  return { billingDataExists: true, duplicate: null, invoices, ...more };
}

function hint(rule: DuplicateHint["rule"]): DuplicateHint {
  return { rule, paymentId: "pay-0", fileName: "day1.csv" };
}

const H04 = invoice("H-04", "health", "2017-04", 30000);
const D04 = invoice("D-04", "dental", "2017-04", 4000);
const H05 = invoice("H-05", "health", "2017-05", 30000);
const C04 = invoice("C-04", "health", "2017-04", 50000);
const LATE = " (paid after its due date; the payment's own dates point to 2017-05)";

interface Expected {
  outcome: MatchStatus;
  rule: string;
  /** A distinctive part of the reason a person reads. */
  reason: string;
  /** What is applied automatically: [invoice number, cents]. */
  applied?: [string, number][];
  /** The invoice that re-times the payment. */
  invoice?: string;
  exception: { reason: ExceptionReason; amountCents: number; invoices: string[]; duplicateOf?: string | null } | null;
}

interface Row {
  name: string;
  payment: LadderPayment;
  facts: LadderFacts;
  /** null: no decision (the payment waits for billing data). */
  expected: Expected | null;
}

const queued = (reason: ExceptionReason, amountCents: number, invoices: string[] = []) => ({
  reason,
  amountCents,
  invoices,
});

const ROWS: Row[] = [
  // 1. Duplicates come first, before the account is even looked at.
  {
    name: "a stored resent copy with no hint is a resent payment",
    payment: payment({ status: "duplicate" }),
    facts: facts([H04]),
    expected: {
      outcome: "duplicate_suspect",
      rule: "resent_payment",
      reason: "(trace, settlement day, amount) was already received; it is counted once",
      exception: { ...queued("duplicate_suspect", 34000), duplicateOf: null },
    },
  },
  {
    name: "a resent payment names the file of its first copy",
    payment: payment(),
    facts: facts([H04], { duplicate: hint("resent_payment") }),
    expected: {
      outcome: "duplicate_suspect",
      rule: "resent_payment",
      reason: "was already received in file day1.csv; it is counted once",
      exception: { ...queued("duplicate_suspect", 34000), duplicateOf: "pay-0" },
    },
  },
  {
    name: "the same trace again",
    payment: payment(),
    facts: facts([H04], { duplicate: hint("same_trace") }),
    expected: {
      outcome: "duplicate_suspect",
      rule: "same_trace",
      reason: "a payment with the same trace was already received in file day1.csv",
      exception: { ...queued("duplicate_suspect", 34000), duplicateOf: "pay-0" },
    },
  },
  {
    name: "the same account, amount and settlement day again",
    payment: payment(),
    facts: facts([H04], { duplicate: hint("same_account_amount_day") }),
    expected: {
      outcome: "duplicate_suspect",
      rule: "same_account_amount_day",
      reason: "a payment of $340.00 to the same account settling the same day was already received in file day1.csv",
      exception: { ...queued("duplicate_suspect", 34000), duplicateOf: "pay-0" },
    },
  },
  {
    name: "a duplicate outranks an invalid account",
    payment: payment({ accountStatus: "ssn_suspected", accountNumber: null }),
    facts: facts([], { duplicate: hint("same_trace") }),
    expected: {
      outcome: "duplicate_suspect",
      rule: "same_trace",
      reason: "the same trace",
      exception: queued("duplicate_suspect", 34000),
    },
  },
  {
    name: "a duplicate is decided without billing data",
    payment: payment(),
    facts: facts([], { billingDataExists: false, duplicate: hint("resent_payment") }),
    expected: {
      outcome: "duplicate_suspect",
      rule: "resent_payment",
      reason: "already received in file day1.csv",
      exception: queued("duplicate_suspect", 34000),
    },
  },

  // 2. An account the payee cannot use.
  {
    name: "an account number without the payee's form",
    payment: payment({ accountStatus: "invalid_format" }),
    facts: facts([H04]),
    expected: {
      outcome: "invalid_account",
      rule: "invalid_account",
      reason: "does not have the payee's form (9 digits beginning with 7)",
      exception: queued("invalid_account", 34000),
    },
  },
  {
    name: "an account number failing the check digit",
    payment: payment({ accountStatus: "check_digit_failed" }),
    facts: facts([H04]),
    expected: {
      outcome: "invalid_account",
      rule: "invalid_account",
      reason: "fails the payee's check digit",
      exception: queued("invalid_account", 34000),
    },
  },
  {
    name: "an account field that looks like an SSN",
    payment: payment({ accountStatus: "ssn_suspected" }),
    facts: facts([H04]),
    expected: {
      outcome: "invalid_account",
      rule: "invalid_account",
      reason: "looks like a Social Security Number (kept masked)",
      exception: queued("invalid_account", 34000),
    },
  },
  {
    name: "no account number at all",
    payment: payment({ accountNumber: null }),
    facts: facts([H04]),
    expected: {
      outcome: "invalid_account",
      rule: "invalid_account",
      reason: "carries no usable account number",
      exception: queued("invalid_account", 34000),
    },
  },
  {
    name: "an invalid account is decided without billing data",
    payment: payment({ accountStatus: "invalid_format" }),
    facts: facts([], { billingDataExists: false }),
    expected: {
      outcome: "invalid_account",
      rule: "invalid_account",
      reason: "the payee's form",
      exception: queued("invalid_account", 34000),
    },
  },

  // 3. Nothing to check a good account against yet.
  {
    name: "no billing data: no decision, the payment waits",
    payment: payment(),
    facts: facts([], { billingDataExists: false }),
    expected: null,
  },

  // 4. A good account that billing does not know.
  {
    name: "a valid account billing data does not have",
    payment: payment(),
    facts: facts([]),
    expected: {
      outcome: "unknown_account",
      rule: "unknown_account",
      reason: "has a valid form but billing data has no such account",
      exception: queued("unknown_account", 34000),
    },
  },

  // No open invoice to weigh the payment against.
  {
    name: "every month of the account is paid",
    payment: payment(),
    facts: facts([invoice("H-04", "health", "2017-04", 30000, { paidCents: 30000, status: "paid" })]),
    expected: {
      outcome: "overpaid",
      rule: "no_open_invoice",
      reason: "every billed month of this account is paid; $340.00 is not owed",
      exception: queued("overpaid", 34000),
    },
  },
  {
    name: "a written-off invoice is not open",
    payment: payment(),
    facts: facts([invoice("H-04", "health", "2017-04", 30000, { status: "written_off" })]),
    expected: {
      outcome: "overpaid",
      rule: "no_open_invoice",
      reason: "every billed month of this account is paid",
      exception: queued("overpaid", 34000),
    },
  },
  {
    name: "a payment naming its plan finds that plan paid",
    payment: payment({ planType: "dental", amountCents: 30000 }),
    facts: facts([H04]),
    expected: {
      outcome: "overpaid",
      rule: "no_open_invoice",
      reason: "every billed dental month of this account is paid; $300.00 is not owed",
      exception: queued("overpaid", 30000),
    },
  },
  {
    name: "a payment for a month ahead of what is open",
    payment: payment({ coverageMonth: "2017-06" }),
    facts: facts([H04]),
    expected: {
      outcome: "overpaid",
      rule: "no_open_invoice",
      reason:
        "nothing is owed for 2017-06 or the month before; $340.00 is not applied (open elsewhere: H-04 (health 2017-04, $300.00 owed))",
      exception: queued("overpaid", 34000),
    },
  },

  // 5. Exact: account, month and amount.
  {
    name: "exact to the invoice of its own month",
    payment: payment({ amountCents: 30000 }),
    facts: facts([H04, H05]),
    expected: {
      outcome: "matched",
      rule: "exact",
      reason: "account, coverage month 2017-04 and amount $300.00 equal invoice H-04",
      applied: [["H-04", 30000]],
      invoice: "H-04",
      exception: null,
    },
  },
  {
    name: "its own month is preferred to the month before",
    payment: payment({ amountCents: 30000, coverageMonth: "2017-05" }),
    facts: facts([H04, H05]),
    expected: {
      outcome: "matched",
      rule: "exact",
      reason: "coverage month 2017-05 and amount $300.00 equal invoice H-05",
      applied: [["H-05", 30000]],
      invoice: "H-05",
      exception: null,
    },
  },
  {
    name: "exact to the month before, paid late",
    payment: payment({ amountCents: 30000, coverageMonth: "2017-05" }),
    facts: facts([H04]),
    expected: {
      outcome: "matched",
      rule: "exact",
      reason: `equal invoice H-04${LATE}`,
      applied: [["H-04", 30000]],
      invoice: "H-04",
      exception: null,
    },
  },
  {
    name: "a payment with no month pays the oldest open one",
    payment: payment({ amountCents: 30000, coverageMonth: null }),
    facts: facts([H05, H04]),
    expected: {
      outcome: "matched",
      rule: "exact",
      reason: "coverage month 2017-04 and amount $300.00 equal invoice H-04",
      applied: [["H-04", 30000]],
      invoice: "H-04",
      exception: null,
    },
  },
  {
    name: "exact to what is still owed on a part-paid invoice",
    payment: payment({ amountCents: 20000 }),
    facts: facts([invoice("H-04", "health", "2017-04", 30000, { paidCents: 10000, status: "partial" })]),
    expected: {
      outcome: "matched",
      rule: "exact",
      reason: "amount $200.00 equal invoice H-04",
      applied: [["H-04", 20000]],
      invoice: "H-04",
      exception: null,
    },
  },
  {
    name: "a payment naming its plan pays only that plan",
    payment: payment({ amountCents: 4000, planType: "dental" }),
    facts: facts([invoice("H-04", "health", "2017-04", 4000), D04]),
    expected: {
      outcome: "matched",
      rule: "exact",
      reason: "equal invoice D-04",
      applied: [["D-04", 4000]],
      invoice: "D-04",
      exception: null,
    },
  },

  // 6. Health plus dental in one payment: never split automatically.
  {
    name: "health plus dental of the month",
    payment: payment({ amountCents: 34000 }),
    facts: facts([H04, D04]),
    expected: {
      outcome: "combined_plans",
      rule: "combined_plans",
      reason:
        "$340.00 equals the health plus dental premiums for 2017-04 (H-04 (health 2017-04, $300.00 owed) + D-04 (dental 2017-04, $40.00 owed)); each plan must be paid separately",
      exception: queued("combined_plans", 34000, ["H-04", "D-04"]),
    },
  },
  {
    name: "an exact invoice outranks a health-plus-dental sum (a re-issued health bill of the month)",
    payment: payment({ amountCents: 34000 }),
    facts: facts([H04, D04, invoice("H-04R", "health", "2017-04", 34000)]),
    expected: {
      outcome: "matched",
      rule: "exact",
      reason: "amount $340.00 equal invoice H-04R",
      applied: [["H-04R", 34000]],
      invoice: "H-04R",
      exception: null,
    },
  },
  {
    name: "a payment naming one plan but equal to both is still combined",
    payment: payment({ amountCents: 34000, planType: "health" }),
    facts: facts([H04, D04]),
    expected: {
      outcome: "combined_plans",
      rule: "combined_plans",
      reason: "a person splits it",
      exception: queued("combined_plans", 34000, ["H-04", "D-04"]),
    },
  },

  // 7. One invoice for the month, and the amount differs.
  {
    name: "less than the one invoice: applied, the rest still owed",
    payment: payment({ amountCents: 45000 }),
    facts: facts([C04]),
    expected: {
      outcome: "partial",
      rule: "partial",
      reason: "$450.00 is $50.00 less than the $500.00 owed on C-04 for 2017-04; applied, the rest is still owed",
      applied: [["C-04", 45000]],
      invoice: "C-04",
      exception: queued("partial", 5000, ["C-04"]),
    },
  },
  {
    name: "less than the month before's invoice, paid late",
    payment: payment({ amountCents: 45000, coverageMonth: "2017-05" }),
    facts: facts([C04]),
    expected: {
      outcome: "partial",
      rule: "partial",
      reason: `owed on C-04 for 2017-04${LATE}; applied`,
      applied: [["C-04", 45000]],
      invoice: "C-04",
      exception: queued("partial", 5000, ["C-04"]),
    },
  },
  {
    name: "more than the one invoice: what is owed is applied, the excess is not",
    payment: payment({ amountCents: 30125 }),
    facts: facts([H04]),
    expected: {
      outcome: "overpaid",
      rule: "overpaid",
      reason:
        "$301.25 is $1.25 more than the $300.00 owed on H-04 for 2017-04; the amount owed is applied, the excess is not",
      applied: [["H-04", 30000]],
      invoice: "H-04",
      exception: queued("overpaid", 125, ["H-04"]),
    },
  },

  // Health and dental both open and the payment fits neither.
  {
    name: "less than both plans together: which plan it pays is unclear",
    payment: payment({ amountCents: 10000 }),
    facts: facts([H04, D04]),
    expected: {
      outcome: "partial",
      rule: "partial_unclear_plan",
      reason:
        "$100.00 fits no single invoice for 2017-04 and is less than H-04 (health 2017-04, $300.00 owed) and D-04 (dental 2017-04, $40.00 owed) together; which plan it pays is unclear",
      exception: queued("partial", 10000, ["H-04", "D-04"]),
    },
  },
  {
    name: "more than both plans together",
    payment: payment({ amountCents: 40000 }),
    facts: facts([H04, D04]),
    expected: {
      outcome: "overpaid",
      rule: "overpaid_unclear_plan",
      reason:
        "$400.00 is more than H-04 (health 2017-04, $300.00 owed) and D-04 (dental 2017-04, $40.00 owed) together",
      exception: queued("overpaid", 6000, ["H-04", "D-04"]),
    },
  },
];

describe("decide: the matching ladder as a pure function", () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const decision = decide(row.payment, row.facts);
      const want = row.expected;
      if (want === null) {
        expect(decision).to.equal(null);
        return;
      }
      expect(decision, "a decision").to.not.equal(null);
      if (!decision) return;
      expect({ outcome: decision.outcome, rule: decision.rule }).to.deep.equal({
        outcome: want.outcome,
        rule: want.rule,
      });
      expect(decision.reason).to.include(want.reason);
      expect(decision.applications.map((a) => [a.invoice.invoiceNumber, a.cents])).to.deep.equal(want.applied ?? []);
      expect(decision.invoice?.invoiceNumber ?? null).to.equal(want.invoice ?? null);
      if (want.exception === null) {
        expect(decision.exception).to.equal(null);
        return;
      }
      const draft = decision.exception;
      expect(draft, "an exception for the queue").to.not.equal(null);
      if (!draft) return;
      expect({ reason: draft.reason, amountCents: draft.amountCents, invoices: draft.details.invoices }).to.deep.equal({
        reason: want.exception.reason,
        amountCents: want.exception.amountCents,
        invoices: want.exception.invoices,
      });
      // The queue links one invoice only when the exception is about exactly one.
      expect(draft.invoiceId).to.equal(
        want.exception.invoices.length === 1 ? `id-${want.exception.invoices[0]}` : null,
      );
      expect(draft.message).to.equal(decision.reason);
      if (want.exception.duplicateOf !== undefined)
        expect(draft.details.duplicate_of).to.equal(want.exception.duplicateOf);
    });
  }

  it("the table reaches every rung and every outcome decide can give", () => {
    const decided = ROWS.map((r) => r.expected);
    expect(new Set(decided.map((e) => e?.rule ?? "no_decision"))).to.deep.equal(
      new Set([
        "resent_payment",
        "same_trace",
        "same_account_amount_day",
        "invalid_account",
        "no_decision",
        "unknown_account",
        "no_open_invoice",
        "exact",
        "combined_plans",
        "partial",
        "overpaid",
        "partial_unclear_plan",
        "overpaid_unclear_plan",
      ]),
    );
    expect(new Set(decided.map((e) => e?.outcome ?? null))).to.deep.equal(
      new Set([
        null,
        "duplicate_suspect",
        "invalid_account",
        "unknown_account",
        "matched",
        "combined_plans",
        "partial",
        "overpaid",
      ]),
    );
  });

  it("leaves its inputs as they were, and decides the same twice", () => {
    for (const row of ROWS) {
      const before = structuredClone({ payment: row.payment, facts: row.facts });
      const first = decide(row.payment, row.facts);
      expect({ payment: row.payment, facts: row.facts }, row.name).to.deep.equal(before);
      expect(decide(row.payment, row.facts), row.name).to.deep.equal(first);
    }
  });
});
