import { expect } from "chai";
import { DEFAULT_PAYEE_POLICY } from "../../src/rules/payee-policy-defaults";
import { PaymentAssessment, PaymentDraft, type ParsedPaymentDraft, type PaymentKind } from "../../src/model";
import { assessPayment } from "../../src/rules/assess";

function draft(fields: Partial<ParsedPaymentDraft> = {}): ParsedPaymentDraft {
  return PaymentDraft.parse({
    kind: "payment",
    sourceRef: "T1",
    amountCents: 41_250,
    payerName: "A MEMBER",
    accountRaw: "712345678",
    initiatedOn: "2026-03-19",
    settledOn: "2026-03-20",
    raw: "record text",
    ...fields,
  });
}

const policy = DEFAULT_PAYEE_POLICY;

describe("rules/assess", () => {
  it("an on-time payment with a clean account is valid and recommended, with no findings", () => {
    const a = assessPayment(draft(), policy);
    expect(a).to.deep.equal({
      accountRaw: "712345678",
      accountNumber: "712345678",
      accountStatus: "valid",
      coverageMonth: "2026-04",
      dueOn: "2026-03-23",
      leadDays: 4,
      timingStatus: "recommended",
      earliestCoverageStart: null,
      findings: [],
    });
    expect(PaymentAssessment.safeParse(a).success).to.equal(true);
  });

  it("an SSN typed as the account is stored masked, and its findings keep the timing ones", () => {
    const a = assessPayment(
      draft({ accountRaw: "123-45-6789", initiatedOn: "2026-03-22", settledOn: "2026-03-24" }),
      policy,
    );
    expect(a).to.include({
      accountRaw: "*****6789",
      accountNumber: null,
      accountStatus: "ssn_suspected",
      timingStatus: "late",
    });
    expect(a.findings.map((f) => f.code)).to.deep.equal(["ssn_suspected", "late"]);
    expect(JSON.stringify(a)).not.to.match(/12345|123-45/);
  });

  it("the matched invoice's coverage month wins over the one the format states and the one derived", () => {
    const d = draft({ coverageMonth: "2026-05" });
    expect(assessPayment(d, policy).coverageMonth).to.equal("2026-05");
    expect(assessPayment(d, policy, { invoiceCoverageMonth: "2026-04" })).to.include({
      coverageMonth: "2026-04",
      dueOn: "2026-03-23",
    });
    expect(assessPayment(draft(), policy).coverageMonth).to.equal("2026-04");
  });

  it("a payment without an initiation date is timed from its settlement date", () => {
    const a = assessPayment(draft({ initiatedOn: null, settledOn: "2026-03-21" }), policy);
    expect(a).to.include({ coverageMonth: "2026-04", leadDays: 2, timingStatus: "short_lead" });
  });

  it("a late first payment records the shifted earliest coverage start", () => {
    const a = assessPayment(draft({ settledOn: "2026-03-25" }), policy, {
      firstPayment: true,
      invoiceCoverageMonth: "2026-04",
    });
    expect(a).to.include({ timingStatus: "late", earliestCoverageStart: "2026-05-01" });
  });

  it("a short first payment records the shifted earliest coverage start", () => {
    const a = assessPayment(draft(), policy, { firstPayment: true, amountDueCents: 50_000 });
    expect(a).to.include({ timingStatus: "recommended", earliestCoverageStart: "2026-05-01" });
    expect(a.findings.map((f) => f.code)).to.deep.equal(["first_payment_short"]);
    expect(
      assessPayment(draft(), policy, { firstPayment: true, amountDueCents: 41_250 }).earliestCoverageStart,
    ).to.equal(null);
    expect(
      assessPayment(draft(), policy, { firstPayment: false, amountDueCents: 50_000 }).earliestCoverageStart,
    ).to.equal(null);
  });

  it("a valid account that billing data does not know is unknown_account", () => {
    expect(assessPayment(draft(), policy, { knownAccount: false }).accountStatus).to.equal("unknown_account");
  });

  for (const kind of ["prenote", "noc", "return", "reversal"] as PaymentKind[]) {
    it(`a ${kind} is not timed, but its account number is still checked`, () => {
      const a = assessPayment(
        draft({ kind, amountCents: kind === "prenote" ? 0 : 41_250, accountRaw: "7123 456 78" }),
        policy,
      );
      expect(a).to.include({
        timingStatus: "not_applicable",
        dueOn: null,
        leadDays: null,
        earliestCoverageStart: null,
        accountStatus: "repaired",
      });
      expect(a.findings.map((f) => f.code)).to.deep.equal(["account_repaired"]);
      expect(PaymentAssessment.safeParse(a).success).to.equal(true);
    });
  }

  it("the banking-day policy changes the lead and the status", () => {
    // Initiated Thursday 2026-06-18 for a due date of Tuesday 2026-06-23, across Juneteenth and a weekend.
    const d = draft({ initiatedOn: "2026-06-18", settledOn: "2026-06-22" });
    expect(assessPayment(d, policy)).to.include({ leadDays: 5, timingStatus: "recommended" });
    expect(assessPayment(d, { ...policy, dayCounting: "banking" })).to.include({
      leadDays: 2,
      timingStatus: "short_lead",
    });
  });

  it("every finding has a code, a severity and a reason without account digits", () => {
    const a = assessPayment(
      draft({ accountRaw: "71234567", initiatedOn: "2026-01-01", settledOn: "2026-03-24" }),
      policy,
      {
        invoiceCoverageMonth: "2026-04",
        firstPayment: true,
      },
    );
    expect(a.findings.map((f) => [f.code, f.severity])).to.deep.equal([
      ["invalid_format", "error"],
      ["late", "warning"],
      ["first_payment_late", "error"],
    ]);
    for (const f of a.findings) expect(f.message).not.to.include("71234567");
  });
});
