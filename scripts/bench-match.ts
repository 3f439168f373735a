// Benchmark of matching (a script, not a test): a generated book (test/match/generated-book.ts) of
// about 20,000 payments and 20,000 invoices is written to the database (DATABASE_URL, which must
// name an empty database, else a fresh embedded database in a temp folder): invoices inserted,
// bank-csv files ingested without matching; then `matchPayments` runs over all of it and again
// (a re-run: only the waiting reversals). Prints payments/s.
// Usage: npx tsx scripts/bench-match.ts [--accounts N] [--keep]
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ingestFile } from "../src/ingest/pipeline";
import { matchPayments } from "../src/match/matcher";
import { closeDatabase, isEmbedded, openDatabase } from "../src/store/data-source";
import { generateBook, insertInvoices } from "../test/match/generated-book";
import { RemittanceFolder, bankCsv } from "../test/match/remittance-files";

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString("en-US")}/s`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { accounts: { type: "string", default: "9300" }, keep: { type: "boolean", default: false } },
  });
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-bench-match-"));
  const db = await openDatabase({ dataDir: path.join(dir, "data") });
  const where = isEmbedded(db) ? "embedded PGlite" : "PostgreSQL";
  try {
    const book = generateBook({ accounts: Number(values.accounts) });
    let t = Date.now();
    await insertInvoices(
      db,
      book.phases.flatMap((p) => p.invoices),
    );
    const folder = new RemittanceFolder();
    for (const file of book.phases.flatMap((p) => p.files)) {
      const written = folder.write(file.name, bankCsv(file.name.replace(/\.csv$/, ""), file.settled, file.rows));
      const result = await ingestFile(db, { aggregator: "bank-csv", path: written }, { match: false });
      if (result.status !== "posted") throw new Error(`${file.name} was ${result.status}`);
    }
    const counts = (
      (await db.query(
        `SELECT (SELECT count(*) FROM payments)::int AS payments, (SELECT count(*) FROM invoices)::int AS invoices`,
      )) as { payments: number; invoices: number }[]
    )[0];
    console.log(
      `setup (${where}): ${counts.payments.toLocaleString("en-US")} payments in ${book.phases.reduce((n, p) => n + p.files.length, 0)} files, ${counts.invoices.toLocaleString("en-US")} invoices, in ${Date.now() - t} ms`,
    );
    t = Date.now();
    const first = await matchPayments(db);
    const ms = Date.now() - t;
    console.log(
      `matching (${where}): ${first.considered.toLocaleString("en-US")} payments in ${ms} ms = ${rate(first.considered, ms)} (${(ms / first.considered).toFixed(2)} ms each); decided ${first.decided}, waiting ${first.waiting}, exceptions ${first.exceptionsOpened}`,
    );
    console.log(`  by outcome: ${JSON.stringify(first.byOutcome)}`);
    t = Date.now();
    const again = await matchPayments(db);
    console.log(
      `re-run (${where}): ${again.considered} payments considered, ${again.decided} decided, in ${Date.now() - t} ms`,
    );
  } finally {
    await closeDatabase(db);
    if (values.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
