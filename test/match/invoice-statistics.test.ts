import { expect } from "chai";
import type { QueryRunner } from "typeorm";
import { importInvoices } from "../../src/match/invoice-import";
import { openImportRecord } from "../../src/match/invoice-import-record";
import { InvoiceUpsert, type CheckedRow } from "../../src/match/invoice-upsert";
import { plannedRows } from "../../src/store/sql";
import { freshDatabase, type TestDatabase } from "../support/database";
import { INVOICE_HEADER, RemittanceFolder } from "./remittance-files";

/** Rows `from`..`to` of a month's new invoices, one account each. */
const batch = (from: number, to: number): CheckedRow[] =>
  Array.from({ length: to - from }, (_, k) => ({
    line: from + k + 2,
    input: {
      invoiceNumber: `S-${from + k}`,
      accountNumber: `74${String(from + k).padStart(7, "0")}`,
      memberName: `Member ${from + k}`,
      plan: "health",
      coverageMonth: "2024-05",
      amountDueCents: 1000,
      firstPayment: false,
    },
  }));

/** The index the planner would probe a bill with, as the checked way's per-row look-ups do. */
async function billProbe(runner: QueryRunner): Promise<string> {
  const plan = (await runner.query(
    `EXPLAIN SELECT invoice_number FROM invoices WHERE account_number = '740000007' AND plan = 'health' AND coverage_month = '2024-05'`,
  )) as { "QUERY PLAN": string }[];
  return plan.map((r) => r["QUERY PLAN"]).join("\n");
}

describe("invoice statistics: an import keeps the planner's picture of invoices true as it grows the table", () => {
  let t: TestDatabase;
  const folder = new RemittanceFolder();

  before(async () => {
    t = await freshDatabase();
    const seed = folder.write("seed.csv", [INVOICE_HEADER, "P-1,712399991,Pat,health,2024-05,10.00,no", ""].join("\n"));
    expect(await importInvoices(t.db, seed)).to.deep.include({ created: 1 });
    // Statistics of a one-invoice table, as a VACUUM that ran while an import was open leaves them.
    await t.db.query(`ANALYZE invoices`);
  });
  after(async () => t?.close());

  it("probes a bill through the bill index, not the month's, once an import has doubled the table", async () => {
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const importId = await openImportRecord(runner, "grow.csv", "tester");
      const upsert = await InvoiceUpsert.open(runner, { actor: "tester", skipConflicts: true, importId });
      // A clash sends the import the checked way, whose look-ups are planned on the statistics.
      const first = batch(0, 5_000);
      first[0].input = { ...first[0].input, accountNumber: "712399991" };
      await upsert.write(first);
      expect(upsert.conflicts.map((c) => c.code)).to.deep.equal(["conflict"]);
      for (let from = 5_000; from < 20_000; from += 5_000) await upsert.write(batch(from, from + 5_000));
      expect(upsert.counts.created).to.equal(19_999);
      const plan = await billProbe(runner);
      expect(plan).to.include("uq_invoices_bill").and.not.include("ix_invoices_coverage_month");
      expect(await plannedRows(runner, "invoices"), "the statistics count the import's own rows").to.be.at.least(4_999);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it("refreshes nothing for a small import", async () => {
    const before = await plannedRows(t.db, "invoices");
    const file = folder.write(
      "small.csv",
      [
        INVOICE_HEADER,
        ...batch(0, 500).map((r) => `${r.input.invoiceNumber},${r.input.accountNumber},M,health,2024-06,10.00,no`),
        "",
      ].join("\n"),
    );
    expect(await importInvoices(t.db, file)).to.deep.include({ created: 500 });
    expect(await plannedRows(t.db, "invoices")).to.equal(before);
  });
});
