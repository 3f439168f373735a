import { expect } from "chai";
import path from "node:path";
import { ingestFile } from "../../src/ingest/pipeline";
import { importInvoices } from "../../src/match/invoice-import";
import { matchPayments } from "../../src/match/matcher";
import { freshDatabase, type TestDatabase } from "../support/database";
import { INVOICE_HEADER, RemittanceFolder } from "./remittance-files";

const INVOICES = [
  INVOICE_HEADER,
  "INV-A,712345678,Ana Rivera,health,2017-04,412.50,no",
  "INV-BH,712345686,Thomas Nguyen,health,2017-04,300.00,no",
  "INV-BD,712345686,Thomas Nguyen,dental,2017-04,40.00,no",
  "INV-C,712345694,Carla Short,health,2017-04,500.00,no",
  "INV-D,712345702,Marcus Bell,health,2017-04,300.00,no",
  "INV-E,712345710,Sofia Marques,health,2017-04,512.00,yes",
  "INV-F,712345728,Derek Johnson,health,2017-04,275.75,no",
  "INV-G,712345744,Hassan Ali,health,2017-04,620.00,no",
  "INV-H,712345751,Grace Kim,health,2017-04,98.60,yes",
].join("\n");

interface Row {
  source_ref: string;
  status: string;
  match_status: string;
  account_status: string;
  timing_status: string;
  earliest_coverage_start: string | null;
  findings: { code: string }[];
}

describe("the matching ladder over ingested bank-csv files", () => {
  let t: TestDatabase;
  const folder = new RemittanceFolder();

  async function payment(ref: string, file?: string): Promise<Row> {
    const rows = (await t.db.query(
      `SELECT p.source_ref, p.status, p.match_status, p.account_status, p.timing_status, p.earliest_coverage_start::text, p.findings
         FROM payments p JOIN remittance_files f ON f.id = p.file_id
        WHERE p.source_ref = $1 AND ($2::text IS NULL OR f.name = $2)`,
      [ref, file ?? null],
    )) as Row[];
    expect(rows, `payment ${ref}${file ? ` in ${file}` : ""}`).to.have.length(1);
    return rows[0];
  }
  async function invoice(number: string): Promise<{ paid_cents: string; status: string }> {
    return (
      (await t.db.query(`SELECT paid_cents::text, status FROM invoices WHERE invoice_number = $1`, [number])) as {
        paid_cents: string;
        status: string;
      }[]
    )[0];
  }
  async function openExceptions(ref: string): Promise<{ reason: string; amount_cents: string; message: string }[]> {
    return (await t.db.query(
      `SELECT e.reason, e.amount_cents::text, e.message FROM exceptions e JOIN payments p ON p.id = e.payment_id
        WHERE p.source_ref = $1 AND e.status = 'open' ORDER BY e.id`,
      [ref],
    )) as { reason: string; amount_cents: string; message: string }[];
  }
  async function counts(): Promise<Record<string, number>> {
    const row = (
      (await t.db.query(
        `SELECT (SELECT count(*) FROM audit_log)::int AS audit, (SELECT count(*) FROM match_decisions)::int AS decisions,
              (SELECT count(*) FROM exceptions)::int AS exceptions, (SELECT count(*) FROM invoices)::int AS invoices,
              (SELECT coalesce(sum(paid_cents), 0) FROM invoices)::text AS paid`,
      )) as Record<string, number>[]
    )[0];
    return row;
  }

  before(async () => {
    t = await freshDatabase();
    const result = await importInvoices(t.db, folder.write("invoices.csv", INVOICES));
    expect(result).to.include({ created: 9, updated: 0, unchanged: 0 });
    await folder.ingestCsv(t.db, "day1.csv", "2017-03-20", [
      {
        id: "FEB1",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "412.50",
        account: "712345678",
        name: "Ana Rivera",
      },
      {
        id: "FEB2",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "340.00",
        account: "712345686",
        name: "Thomas Nguyen",
      },
      {
        id: "FEB3",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "450.00",
        account: "712345694",
        name: "Carla Short",
      },
      {
        id: "FEB4",
        sent: "2017-03-16",
        settled: "2017-03-20",
        amount: "301.25",
        account: " 712345702 ",
        name: "Marcus Bell",
      },
      {
        id: "FEB5",
        sent: "2017-03-16",
        settled: "2017-03-20",
        amount: "100.00",
        account: "712345999",
        name: "Nobody Known",
      },
      {
        id: "FEB6",
        sent: "2017-03-16",
        settled: "2017-03-20",
        amount: "133.40",
        account: "71234573",
        name: "Priya Raman",
      },
      {
        id: "FEB7",
        sent: "2017-03-16",
        settled: "2017-03-20",
        amount: "45.10",
        account: "078-05-1120",
        name: "Li Wei",
      },
      {
        id: "FEB8",
        sent: "2017-03-17",
        settled: "2017-03-20",
        amount: "275.75",
        account: "712345728",
        name: "Derek Johnson",
      },
      {
        id: "FEB9",
        sent: "2017-03-17",
        settled: "2017-03-20",
        amount: "620.00",
        account: "712345744",
        name: "Hassan Ali",
      },
      {
        id: "FEB10",
        sent: "2017-03-17",
        settled: "2017-03-20",
        amount: "50.00",
        account: "712345751",
        name: "Grace Kim",
      },
    ]);
    await folder.ingestCsv(t.db, "day2.csv", "2017-03-27", [
      {
        id: "FEB11",
        sent: "2017-03-25",
        settled: "2017-03-27",
        amount: "512.00",
        account: "712345710",
        name: "Sofia Marques",
      },
      {
        id: "FEB12",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "620.00",
        account: "712345744",
        name: "Hassan Ali",
      },
    ]);
    await folder.ingestCsv(t.db, "resend.csv", "2017-03-21", [
      {
        id: "FEB1",
        sent: "2017-03-14",
        settled: "2017-03-20",
        amount: "412.50",
        account: "712345678",
        name: "Ana Rivera",
      },
      {
        id: "FEB9",
        sent: "2017-03-17",
        settled: "2017-03-21",
        amount: "620.00",
        account: "712345744",
        name: "Hassan Ali",
      },
    ]);
  });
  after(async () => t?.close());

  it("matches an exact account, coverage month and amount and pays the invoice", async () => {
    expect(await payment("FEB1", "day1.csv")).to.include({ match_status: "matched", timing_status: "early" });
    expect(await invoice("INV-A")).to.deep.equal({ paid_cents: "41250", status: "paid" });
  });

  it("queues a payment equal to health plus dental as combined_plans and applies nothing", async () => {
    expect((await payment("FEB2")).match_status).to.equal("combined_plans");
    const [e] = await openExceptions("FEB2");
    expect(e.reason).to.equal("combined_plans");
    expect(e.message).to.contain("INV-BH").and.contain("INV-BD");
    expect(await invoice("INV-BH")).to.include({ paid_cents: "0", status: "open" });
    expect(await invoice("INV-BD")).to.include({ paid_cents: "0", status: "open" });
  });

  it("applies a short payment as partial and queues the shortfall", async () => {
    expect((await payment("FEB3")).match_status).to.equal("partial");
    expect(await invoice("INV-C")).to.deep.equal({ paid_cents: "45000", status: "partial" });
    const [e] = await openExceptions("FEB3");
    expect(e).to.include({ reason: "partial", amount_cents: "5000" });
  });

  it("applies what is owed of an overpayment and queues the excess", async () => {
    expect((await payment("FEB4")).match_status).to.equal("overpaid");
    expect((await openExceptions("FEB4"))[0]).to.include({ reason: "overpaid", amount_cents: "125" });
    const decisions = (await t.db.query(
      `SELECT d.rule, d.applied_cents::text FROM match_decisions d JOIN payments p ON p.id = d.payment_id WHERE p.source_ref = 'FEB4' ORDER BY d.decided_at`,
    )) as { rule: string; applied_cents: string }[];
    expect(decisions[0]).to.deep.equal({ rule: "overpaid", applied_cents: "30000" });
  });

  it("marks a valid account that billing data lacks as unknown_account, on the payment too", async () => {
    const r = await payment("FEB5");
    expect(r).to.include({ match_status: "unknown_account", account_status: "unknown_account" });
    expect(r.findings.map((f) => f.code)).to.include("unknown_account");
    expect((await openExceptions("FEB5"))[0].reason).to.equal("unknown_account");
  });

  it("queues a malformed or SSN-like account as invalid_account", async () => {
    expect(await payment("FEB6")).to.include({ match_status: "invalid_account", account_status: "invalid_format" });
    expect(await payment("FEB7")).to.include({ match_status: "invalid_account", account_status: "ssn_suspected" });
    const [e] = await openExceptions("FEB7");
    expect(e.message).to.not.match(/078|1120/);
  });

  it("matches a late first payment and records the shifted coverage start", async () => {
    const r = await payment("FEB11");
    expect(r).to.include({ match_status: "matched", timing_status: "late", earliest_coverage_start: "2017-05-01" });
    expect(r.findings.map((f) => f.code)).to.include("first_payment_late");
    expect(await invoice("INV-E")).to.include({ status: "paid" });
    const reason = (
      (await t.db.query(
        `SELECT d.reason FROM match_decisions d JOIN payments p ON p.id = d.payment_id WHERE p.source_ref = 'FEB11'`,
      )) as { reason: string }[]
    )[0].reason;
    expect(reason).to.contain("earliest coverage start is May 1, 2017");
  });

  it("does not start coverage on a partial first payment", async () => {
    const r = await payment("FEB10");
    expect(r).to.include({ match_status: "partial", earliest_coverage_start: "2017-05-01" });
    expect(r.findings.map((f) => f.code)).to.include("first_payment_short");
  });

  it("flags the same account, amount and settlement day in another file as duplicate_suspect", async () => {
    expect((await payment("FEB12")).match_status).to.equal("duplicate_suspect");
    expect(await invoice("INV-G")).to.deep.equal({ paid_cents: "62000", status: "paid" });
  });

  it("flags the same payment resent in another file, and the same trace, as duplicate_suspect without counting it twice", async () => {
    const resent = await payment("FEB1", "resend.csv");
    expect(resent).to.include({ status: "duplicate", match_status: "duplicate_suspect" });
    expect((await payment("FEB9", "resend.csv")).match_status).to.equal("duplicate_suspect");
    expect(await invoice("INV-A")).to.deep.equal({ paid_cents: "41250", status: "paid" });
    const rules = (await t.db.query(
      `SELECT d.rule FROM match_decisions d JOIN payments p ON p.id = d.payment_id JOIN remittance_files f ON f.id = p.file_id WHERE f.name = 'resend.csv' ORDER BY p.line`,
    )) as { rule: string }[];
    expect(rules.map((r) => r.rule)).to.deep.equal(["resent_payment", "same_trace"]);
  });

  describe("reversals that arrive in a later file", () => {
    before(async () => {
      await folder.ingestCsv(t.db, "day3.csv", "2017-03-24", [
        {
          id: "FEB20",
          type: "REV",
          sent: "2017-03-23",
          settled: "2017-03-24",
          amount: "275.75",
          account: "712345728",
          name: "Derek Johnson",
          original: "FEB8",
        },
        {
          id: "FEB21",
          type: "REV",
          sent: "2017-03-23",
          settled: "2017-03-24",
          amount: "301.25",
          account: "712345702",
          name: "Marcus Bell",
        },
        {
          id: "FEB22",
          type: "RTN",
          sent: "2017-03-23",
          settled: "2017-03-24",
          amount: "10.00",
          account: "712345678",
          name: "Ana Rivera",
          original: "FEB999",
          reason: "R03",
        },
      ]);
    });

    it("undo a matched payment found by its reference and reopen the invoice", async () => {
      expect((await payment("FEB8")).match_status).to.equal("reversed");
      expect((await payment("FEB20")).match_status).to.equal("matched");
      expect(await invoice("INV-F")).to.deep.equal({ paid_cents: "0", status: "open" });
    });

    it("find an original without a reference by account, amount and nearby date, and close its exceptions", async () => {
      expect((await payment("FEB21")).match_status).to.equal("matched");
      expect(await invoice("INV-D")).to.deep.equal({ paid_cents: "0", status: "open" });
      expect(await openExceptions("FEB4")).to.deep.equal([]);
    });

    it("wait with an original_not_found exception when the referenced payment is not held", async () => {
      expect((await payment("FEB22")).match_status).to.equal("unmatched");
      expect((await openExceptions("FEB22")).map((e) => e.reason)).to.deep.equal(["original_not_found"]);
      expect(await invoice("INV-A")).to.deep.equal({ paid_cents: "41250", status: "paid" });
    });
  });

  describe("once everything has arrived", () => {
    it("changes nothing when matching, ingestion or the import run again", async () => {
      const before = await counts();
      const summary = await matchPayments(t.db);
      expect(summary).to.include({ decided: 0, waiting: 1 }); // the return whose original never came is retried
      const again = await importInvoices(t.db, folder.write("invoices.csv", INVOICES));
      expect(again).to.include({ created: 0, updated: 0, unchanged: 9 });
      const resent = await ingestFile(t.db, { aggregator: "bank-csv", path: path.join(folder.dir, "day1.csv") });
      expect(resent.status).to.equal("duplicate");
      expect(await counts()).to.deep.equal(before);
    });
  });
});
