import { expect } from "chai";
import { ingestFile } from "../../src/ingest/pipeline";
import { importInvoices } from "../../src/match/invoice-import";
import { freshDatabase, type TestDatabase } from "../support/database";
import { BILLING_SAMPLE, sampleRemittances } from "./remittance-files";

describe("the sample billing data (sample-files/billing/invoices.csv)", () => {
  let t: TestDatabase;
  before(async () => {
    t = await freshDatabase();
    const imported = await importInvoices(t.db, BILLING_SAMPLE);
    expect(imported.errors).to.deep.equal([]);
    for (const sample of sampleRemittances()) {
      const result = await ingestFile(t.db, sample);
      expect(result.status, sample.path).to.equal("posted");
    }
  });
  after(async () => t?.close());

  it("knows every valid account in every sample remittance except those meant to be unknown", async () => {
    const unknown = (await t.db.query(
      `SELECT DISTINCT account_number FROM payments WHERE account_status = 'unknown_account' ORDER BY 1`,
    )) as { account_number: string }[];
    // Two unknown to billing, and two slips of billed accounts (bank-csv/slips-20170322.csv: a
    // transposition and a substitution, which repair suggestions find).
    expect(unknown.map((u) => u.account_number)).to.deep.equal(["712345394", "712345474", "712345691", "773456782"]);
  });

  it("shows every rung of the ladder once all samples are matched", async () => {
    const statuses = (await t.db.query(`SELECT DISTINCT match_status FROM payments ORDER BY 1`)) as {
      match_status: string;
    }[];
    expect(statuses.map((s) => s.match_status)).to.include.members([
      "matched",
      "combined_plans",
      "partial",
      "overpaid",
      "unknown_account",
      "invalid_account",
      "duplicate_suspect",
      "reversed",
      "not_applicable",
    ]);
  });

  it("holds a late first payment, matched, with coverage moved to the next month", async () => {
    const rows = (await t.db.query(
      `SELECT match_status, timing_status, earliest_coverage_start::text AS start FROM payments WHERE account_number = '712345697'`,
    )) as { match_status: string; timing_status: string; start: string }[];
    expect(rows).to.deep.equal([{ match_status: "matched", timing_status: "late", start: "2024-05-01" }]);
  });

  it("holds a health and dental payment made as one amount for the same member", async () => {
    const rows = (await t.db.query(
      `SELECT count(*)::int AS n FROM payments WHERE match_status = 'combined_plans'`,
    )) as { n: number }[];
    expect(rows[0].n).to.be.greaterThanOrEqual(1);
  });
});
