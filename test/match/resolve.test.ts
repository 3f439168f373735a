import { expect } from "chai";
import { auditForPayment } from "../../src/match/audit-log";
import { listExceptions } from "../../src/match/exceptions";
import { importInvoices } from "../../src/match/invoice-import";
import { ResolveError, resolveException } from "../../src/match/resolve";
import { freshDatabase, type TestDatabase } from "../support/database";
import { INVOICE_HEADER, RemittanceFolder } from "./remittance-files";

const INVOICES = [
  INVOICE_HEADER,
  "H-04,712345686,Thomas Nguyen,health,2017-04,300.00,no",
  "D-04,712345686,Thomas Nguyen,dental,2017-04,40.00,no",
  "P-04,712345694,Carla Short,health,2017-04,500.00,no",
  "O-04,712345702,Marcus Bell,health,2017-04,300.00,no",
  "O-05,712345702,Marcus Bell,health,2017-05,300.00,no",
].join("\n");

describe("resolving exceptions", () => {
  let t: TestDatabase;
  const folder = new RemittanceFolder();
  const idFor = async (reason: string) => (await listExceptions(t.db, { reason }))[0];
  const invoice = async (n: string) =>
    (
      (await t.db.query(`SELECT paid_cents::int AS paid, status FROM invoices WHERE invoice_number = $1`, [n])) as {
        paid: number;
        status: string;
      }[]
    )[0];

  before(async () => {
    t = await freshDatabase();
    await importInvoices(t.db, folder.write("invoices.csv", INVOICES));
    await folder.ingestCsv(t.db, "day1.csv", "2017-03-20", [
      {
        id: "R1",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "340.00",
        account: "712345686",
        name: "Thomas Nguyen",
      },
      {
        id: "R2",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "450.00",
        account: "712345694",
        name: "Carla Short",
      },
      {
        id: "R3",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "350.00",
        account: "712345702",
        name: "Marcus Bell",
      },
      {
        id: "R4",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "20.00",
        account: "712399999",
        name: "Nobody Known",
      },
    ]);
  });
  after(async () => t?.close());

  it("splits a combined payment over the health and dental invoices and logs every change under the person's name", async () => {
    const e = await idFor("combined_plans");
    const result = await resolveException(t.db, e.id, {
      action: "apply-to",
      invoices: ["H-04", "D-04"],
      note: "member confirmed by phone",
      by: "jdoe",
    });
    expect(result.applied).to.deep.equal([
      { invoiceNumber: "H-04", cents: 30000 },
      { invoiceNumber: "D-04", cents: 4000 },
    ]);
    expect(result.unappliedCents).to.equal(0);
    expect(await invoice("H-04")).to.deep.equal({ paid: 30000, status: "paid" });
    expect(await invoice("D-04")).to.deep.equal({ paid: 4000, status: "paid" });

    const history = await auditForPayment(t.db, e.paymentId as string);
    const byJdoe = history.filter((h) => h.actor === "jdoe").map((h) => [h.entity, h.action, h.before, h.after]);
    expect(byJdoe).to.deep.equal([
      ["invoice", "payment_applied", { paid_cents: 0, status: "open" }, { paid_cents: 30000, status: "paid" }],
      ["invoice", "payment_applied", { paid_cents: 0, status: "open" }, { paid_cents: 4000, status: "paid" }],
      ["payment", "matched", { match_status: "combined_plans" }, { match_status: "matched" }],
      [
        "exception",
        "resolved",
        { status: "open", reason: "combined_plans", amount_cents: 34000, resolution: null, resolved_by: null },
        {
          status: "resolved",
          reason: "combined_plans",
          amount_cents: 34000,
          resolution: "apply-to H-04,D-04",
          resolved_by: "jdoe",
        },
      ],
    ]);
    expect(history.filter((h) => h.actor === "jdoe").every((h) => h.note === "member confirmed by phone")).to.equal(
      true,
    );
    // The file's arrival and the ladder's decision are in the same history, before the person's.
    expect(history.map((h) => `${h.entity}:${h.action}`).slice(0, 4)).to.deep.equal([
      "file:received",
      "file:status_changed",
      "payment:matched",
      "exception:opened",
    ]);
  });

  it("writes off the rest of a short invoice", async () => {
    const e = await idFor("partial");
    await resolveException(t.db, e.id, { action: "write-off", note: "hardship waiver", by: "jdoe" });
    expect(await invoice("P-04")).to.deep.equal({ paid: 45000, status: "written_off" });
  });

  it("applies an overpayment's excess to the next month", async () => {
    const e = await idFor("overpaid");
    expect(e.amountCents).to.equal(5000);
    const result = await resolveException(t.db, e.id, {
      action: "apply-to",
      invoices: ["O-05"],
      note: "credit forward",
      by: "asmith",
    });
    expect(result.applied).to.deep.equal([{ invoiceNumber: "O-05", cents: 5000 }]);
    expect(await invoice("O-05")).to.deep.equal({ paid: 5000, status: "partial" });
  });

  it("refunds an unknown account's payment and refuses to resolve it twice", async () => {
    const e = await idFor("unknown_account");
    const result = await resolveException(t.db, e.id, { action: "refund", note: "no such member", by: "jdoe" });
    expect(result.exception.resolution).to.equal("refund $20.00");
    let refused: unknown;
    try {
      await resolveException(t.db, e.id, { action: "reject", note: "again", by: "jdoe" });
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(ResolveError);
    expect(await listExceptions(t.db)).to.deep.equal([]);
  });

  it("keeps the audit log append-only in the database itself", async () => {
    for (const statement of ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log", "TRUNCATE audit_log"]) {
      let refused: Error | null = null;
      try {
        await t.db.query(statement);
      } catch (error) {
        refused = error as Error;
      }
      expect(refused?.message, statement).to.match(/append-only/);
    }
    const actors = (await t.db.query(`SELECT DISTINCT actor FROM audit_log ORDER BY actor`)) as { actor: string }[];
    expect(actors.map((a) => a.actor)).to.deep.equal(["asmith", "billpay", "jdoe"]);
  });
});
