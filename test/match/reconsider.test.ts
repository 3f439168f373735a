import { expect } from "chai";
import { auditForPayment } from "../../src/match/audit-log";
import { decisionsFor } from "../../src/match/decisions";
import { listExceptions } from "../../src/match/exceptions";
import { importInvoices } from "../../src/match/invoice-import";
import { matchPayments, type MatchSummary } from "../../src/match/matcher";
import { resolveException } from "../../src/match/resolve";
import { freshDatabase, type TestDatabase } from "../support/database";
import { INVOICE_HEADER, RemittanceFolder } from "./remittance-files";

/** Billing data as first imported: two members; the other accounts paying are not on file yet. */
const FIRST_BILLING = [
  INVOICE_HEADER,
  "K-04,712345678,Ana Rivera,health,2017-04,412.50,no",
  "W-04,712345751,Grace Kim,health,2017-04,100.00,no",
].join("\n");

/** The next import bills the new members: one pays exactly, one paid health plus dental as one amount, one was refunded. */
const NEXT_BILLING = [
  FIRST_BILLING,
  "N1-04,712340001,New Member,health,2017-04,200.00,yes",
  "N5H-04,712340005,Both Plans,health,2017-04,250.00,no",
  "N5D-04,712340005,Both Plans,dental,2017-04,50.00,no",
  "N2-04,712340002,Refunded Member,health,2017-04,50.00,no",
].join("\n");

/** The unknown_account payments the next import bills, with their exceptions still open. */
const RECONSIDERED = ["U1", "U5"];

interface PaymentState {
  source_ref: string;
  match_status: string;
  account_status: string;
  timing_status: string;
  findings: { code: string }[];
}

describe("reconsidering payments once billing data has their account", () => {
  let t: TestDatabase;
  const folder = new RemittanceFolder();
  let firstMatch: MatchSummary;

  async function payment(ref: string): Promise<PaymentState & { id: string }> {
    const rows = (await t.db.query(
      `SELECT id, source_ref, match_status, account_status, timing_status, findings FROM payments WHERE source_ref = $1`,
      [ref],
    )) as (PaymentState & { id: string })[];
    expect(rows, `payment ${ref}`).to.have.length(1);
    return rows[0];
  }
  async function everyPayment(): Promise<PaymentState[]> {
    return (await t.db.query(
      `SELECT source_ref, match_status, account_status, timing_status, findings FROM payments ORDER BY source_ref`,
    )) as PaymentState[];
  }
  async function everyException(): Promise<
    { ref: string; reason: string; status: string; resolution: string | null }[]
  > {
    return (await t.db.query(
      `SELECT p.source_ref AS ref, e.reason, e.status, e.resolution FROM exceptions e JOIN payments p ON p.id = e.payment_id ORDER BY e.id`,
    )) as { ref: string; reason: string; status: string; resolution: string | null }[];
  }
  async function invoice(number: string): Promise<{ paid: number; status: string }> {
    return (
      (await t.db.query(`SELECT paid_cents::int AS paid, status FROM invoices WHERE invoice_number = $1`, [
        number,
      ])) as { paid: number; status: string }[]
    )[0];
  }
  /** Rows of every table in the schema, and the money applied to invoices. */
  async function everyCount(): Promise<Record<string, number | string>> {
    const tables = (await t.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
    )) as { table_name: string }[];
    const counts: Record<string, number | string> = {};
    for (const { table_name: name } of tables) {
      counts[name] = ((await t.db.query(`SELECT count(*)::int AS n FROM "${name}"`)) as { n: number }[])[0].n;
    }
    counts.paid_cents = (
      (await t.db.query(`SELECT coalesce(sum(paid_cents), 0)::text AS paid FROM invoices`)) as { paid: string }[]
    )[0].paid;
    return counts;
  }

  before(async () => {
    t = await freshDatabase();
    await importInvoices(t.db, folder.write("first.csv", FIRST_BILLING));
    await folder.ingestCsv(t.db, "day1.csv", "2017-03-20", [
      {
        id: "U1",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "200.00",
        account: "712340001",
        name: "New Member",
      },
      {
        id: "U2",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "50.00",
        account: "712340002",
        name: "Refunded Member",
      },
      {
        id: "U3",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "75.00",
        account: "712340003",
        name: "Still Unknown",
      },
      {
        id: "U5",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "300.00",
        account: "712340005",
        name: "Both Plans",
      },
      {
        id: "K1",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "400.00",
        account: "712345678",
        name: "Ana Rivera",
      },
      {
        id: "W1",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "100.00",
        account: "712345751",
        name: "Grace Kim",
      },
      { id: "X1", sent: "2017-03-14", settled: "2017-03-20", amount: "20.00", account: "71234", name: "Typo Account" },
    ]);
    // A person refunds U2 before its member is billed: that resolution is final.
    const u2 = await payment("U2");
    const refund = (await listExceptions(t.db, { reason: "unknown_account" })).find((e) => e.paymentId === u2.id);
    if (!refund) throw new Error("U2 has no unknown_account exception to refund");
    await resolveException(t.db, refund.id, { action: "refund", note: "member unknown, money returned", by: "jdoe" });
  });
  after(async () => t?.close());

  it("decides payments to accounts not on file as unknown_account while billing data lacks them", async () => {
    for (const ref of ["U1", "U2", "U3", "U5"])
      expect((await payment(ref)).match_status, ref).to.equal("unknown_account");
  });

  describe("after the next billing import", () => {
    let untouched: { payments: PaymentState[]; exceptions: Awaited<ReturnType<typeof everyException>> };

    /** Everything but the two payments whose account the import brings. */
    const others = async () => ({
      payments: (await everyPayment()).filter((r) => !RECONSIDERED.includes(r.source_ref)),
      exceptions: (await everyException()).filter((e) => !RECONSIDERED.includes(e.ref)),
    });

    before(async () => {
      untouched = await others();
      await importInvoices(t.db, folder.write("next.csv", NEXT_BILLING));
      firstMatch = await matchPayments(t.db);
    });

    it("a payment to an account that was not on file matches once its invoice is imported", async () => {
      const u1 = await payment("U1");
      expect(u1).to.include({ match_status: "matched", account_status: "valid", timing_status: "early" });
      expect(u1.findings.map((f) => f.code)).to.not.include("unknown_account");
      expect(await invoice("N1-04")).to.deep.equal({ paid: 20000, status: "paid" });
      expect(firstMatch).to.include({ reconsidered: 2, decided: 2, exceptionsOpened: 1 });
      expect(firstMatch.byOutcome).to.deep.equal({ matched: 1, combined_plans: 1 });
    });

    it("closes the unknown_account exception saying the invoice arrived, and logs every change", async () => {
      const u1 = await payment("U1");
      const closed = (await listExceptions(t.db, { reason: "unknown_account", status: "all" })).find(
        (e) => e.paymentId === u1.id,
      );
      expect(closed).to.include({ status: "resolved", resolution: "invoice_arrived", resolvedBy: "billpay" });
      expect(closed?.note).to.contain("billing data now has it").and.contain("N1-04");
      const history = (await auditForPayment(t.db, u1.id))
        .filter((h) => h.entity !== "file")
        .map((h) => `${h.entity}:${h.action}`);
      expect(history).to.deep.equal([
        "payment:matched", // the first decision: unknown_account
        "exception:opened",
        "exception:resolved", // the invoice arrived
        "payment:reconsidered",
        "invoice:payment_applied",
        "payment:matched",
      ]);
      const reconsidered = (await auditForPayment(t.db, u1.id)).find((h) => h.action === "reconsidered");
      expect(reconsidered?.before).to.include({ match_status: "unknown_account", account_status: "unknown_account" });
      expect(reconsidered?.after).to.include({ match_status: "unmatched", account_status: "valid" });
      expect(reconsidered?.note).to.not.contain("712340001");
      expect((await decisionsFor(t.db, u1.id)).map((d) => `${d.rule}:${d.outcome}`)).to.deep.equal([
        "unknown_account:unknown_account",
        "account_now_known:unmatched",
        "exact:matched",
      ]);
    });

    it("runs the whole ladder on a reconsidered payment: health plus dental as one amount goes to the queue", async () => {
      const u5 = await payment("U5");
      expect(u5).to.include({ match_status: "combined_plans", account_status: "valid" });
      const open = (await listExceptions(t.db)).filter((e) => e.paymentId === u5.id).map((e) => e.reason);
      expect(open).to.deep.equal(["combined_plans"]);
      expect(await invoice("N5H-04")).to.deep.equal({ paid: 0, status: "open" });
    });

    it("a payment decided otherwise is never reconsidered", async () => {
      expect(await others()).to.deep.equal(untouched);
      // The refunded payment stays refunded though its member is now billed; the unbilled one still waits for a person.
      expect(await payment("U2")).to.include({ match_status: "unknown_account" });
      expect(await invoice("N2-04")).to.deep.equal({ paid: 0, status: "open" });
      expect((await listExceptions(t.db, { reason: "unknown_account" })).length).to.equal(1);
      expect(await payment("X1")).to.include({ match_status: "invalid_account" });
    });

    it("importing and matching twice changes nothing", async () => {
      const before = await everyCount();
      const imported = await importInvoices(t.db, folder.write("next.csv", NEXT_BILLING));
      expect(imported).to.include({ created: 0, updated: 0, unchanged: 6 });
      const again = await matchPayments(t.db);
      expect(again).to.include({ considered: 0, reconsidered: 0, decided: 0, exceptionsOpened: 0 });
      expect(await everyCount()).to.deep.equal(before);
    });
  });
});

describe("payments that arrived before any billing data", () => {
  let t: TestDatabase;
  const folder = new RemittanceFolder();
  before(async () => (t = await freshDatabase()));
  after(async () => t?.close());

  it("wait undecided, then match once billing data is imported", async () => {
    await folder.ingestCsv(t.db, "early.csv", "2017-03-20", [
      {
        id: "E1",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "412.50",
        account: "712345678",
        name: "Ana Rivera",
      },
      {
        id: "E2",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "10.00",
        account: "712340009",
        name: "Not Billed",
      },
    ]);
    const statuses = async () =>
      (await t.db.query(`SELECT source_ref, match_status FROM payments ORDER BY source_ref`)) as {
        source_ref: string;
        match_status: string;
      }[];
    expect((await statuses()).map((r) => r.match_status)).to.deep.equal(["unmatched", "unmatched"]);
    await importInvoices(
      t.db,
      folder.write("billing.csv", [INVOICE_HEADER, "K-04,712345678,Ana Rivera,health,2017-04,412.50,no"].join("\n")),
    );
    const summary = await matchPayments(t.db);
    expect(summary).to.include({ considered: 2, reconsidered: 0, decided: 2, waiting: 0 });
    expect(await statuses()).to.deep.equal([
      { source_ref: "E1", match_status: "matched" },
      { source_ref: "E2", match_status: "unknown_account" },
    ]);
  });
});
