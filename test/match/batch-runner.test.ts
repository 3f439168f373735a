import { expect } from "chai";
import { ingestFile } from "../../src/ingest/pipeline";
import { matchPayments } from "../../src/match/matcher";
import { closeDatabase, openDatabase } from "../../src/store/data-source";
import { freshDatabase, type TestDatabase } from "../support/database";
import { generateBook, insertInvoices } from "./generated-book";
import { matchState, NOTHING_BROKEN } from "./match-state";
import { bankCsv, RemittanceFolder } from "./remittance-files";

/** The error a promise rejects with (the test fails if it resolves). */
async function failureOf(work: Promise<unknown>): Promise<Error> {
  const outcome = await work.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a failure, got ${String(outcome)}`);
  return outcome;
}

/** Payments of kind PMT only: each is decided by the run that takes it (no reversal waits for its original). */
async function postBook(t: TestDatabase, accounts: number): Promise<number> {
  const folder = new RemittanceFolder();
  const book = generateBook({ accounts, seed: 3 });
  await insertInvoices(t.db, [...book.phases[0].invoices, ...book.phases[1].invoices]);
  let payments = 0;
  for (const file of book.phases.flatMap((p) => p.files)) {
    const rows = file.rows.filter((r) => (r.type ?? "PMT") === "PMT");
    const csv = folder.write(file.name, bankCsv(file.name.replace(/\.csv$/, ""), file.settled, rows));
    const result = await ingestFile(t.db, { aggregator: "bank-csv", path: csv }, { match: false });
    if (result.status !== "posted") throw new Error(`${file.name} was ${result.status}`);
    payments += rows.length;
  }
  return payments;
}

describe("matching batches: overlapped on PostgreSQL, in turns on the embedded database, committed in order", function () {
  this.timeout(180_000);
  let t: TestDatabase;

  beforeEach(async () => {
    t = await freshDatabase();
  });
  afterEach(async () => t?.close());

  it("two runs started together, from one pool or two, take turns: every payment is decided once, with its money and audit entries", async () => {
    const payments = await postBook(t, 400);
    // On PostgreSQL the second run comes through a pool of its own, as another instance's would.
    const other = t.url ? await openDatabase({ url: t.url }) : t.db;
    const [a, b] = await Promise.all([
      matchPayments(t.db, { batchSize: 150 }),
      matchPayments(other, { batchSize: 150 }),
    ]).finally(() => (other === t.db ? undefined : closeDatabase(other)));
    const state = await matchState(t.db);
    expect(state.broken).to.deep.equal(NOTHING_BROKEN);
    expect(state.decided).to.equal(payments);
    expect(a.decided + b.decided).to.equal(payments);
    // Whichever ran second found nothing left.
    expect(Math.min(a.considered, b.considered)).to.equal(0);
  });

  it("a batch that fails leaves the batches before it whole and nothing of those after; the next run finishes", async () => {
    const payments = await postBook(t, 400);
    let committed = 0;
    const failing = matchPayments(t.db, {
      batchSize: 100,
      afterBatch: (progress) => {
        committed = progress.decided;
        if (progress.considered >= 300) throw new Error("stopped after three batches");
      },
    });
    expect((await failureOf(failing)).message).to.equal("stopped after three batches");
    const after = await matchState(t.db);
    expect(after.broken).to.deep.equal(NOTHING_BROKEN);
    // The fourth batch was being decided while the third committed; it is rolled back.
    expect(after.decided).to.equal(committed);
    expect(committed).to.be.within(1, 300);
    await matchPayments(t.db);
    const done = await matchState(t.db);
    expect(done.broken).to.deep.equal(NOTHING_BROKEN);
    expect(done.decided).to.equal(payments);
  });

  it("refuses to delete a payment or an invoice that a decision names, as the foreign keys did", async () => {
    await postBook(t, 60);
    await matchPayments(t.db);
    const [d] = (await t.db.query(
      `SELECT payment_id, invoice_id FROM match_decisions WHERE invoice_id IS NOT NULL LIMIT 1`,
    )) as { payment_id: string; invoice_id: string }[];
    for (const [table, id] of [
      ["payments", d.payment_id],
      ["invoices", d.invoice_id],
    ]) {
      const refused = await failureOf(t.db.query(`DELETE FROM ${table} WHERE id = $1`, [id]));
      expect(refused.message).to.match(/has matching decisions and cannot be deleted/);
    }
    const [free] = (await t.db.query(
      `SELECT id FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM match_decisions d WHERE d.invoice_id = i.id)
          AND NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.invoice_id = i.id) LIMIT 1`,
    )) as { id: string }[];
    await t.db.query(`DELETE FROM invoices WHERE id = $1`, [free.id]);
    expect(await t.db.query(`SELECT 1 FROM invoices WHERE id = $1`, [free.id])).to.have.length(0);
  });
});
