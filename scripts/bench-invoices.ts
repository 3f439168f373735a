// Benchmark of `billpay invoices import` (a script, not a test): writes a billing CSV of N rows
// (default 20,000) in a temp folder and imports it three times: new invoices (all created), the
// same file again (all unchanged), then with every tenth amount changed (updated). Prints rows/s
// for each. Runs on a fresh database: a new one on the PostgreSQL server of DATABASE_URL (dropped
// afterwards), else an embedded one in the temp folder.
// Usage: npx tsx scripts/bench-invoices.ts [--rows N]
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import { importInvoices } from "../src/match/invoice-import";
import { closeDatabase, openDatabase } from "../src/store/data-source";

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString("en-US")} rows/s`;

/** N invoices, one per account and month: account 7NNNNNNNN, 12 months per account. */
function billingCsv(rows: number, changed: (i: number) => boolean): string {
  const lines = ["invoice,account_number,member_name,plan,coverage_month,amount_due,first_payment"];
  for (let i = 0; i < rows; i++) {
    const account = `7${String(Math.floor(i / 12)).padStart(8, "0")}`;
    const month = `2024-${String((i % 12) + 1).padStart(2, "0")}`;
    const amount = (100 + (i % 500) + (changed(i) ? 1 : 0)).toFixed(2);
    lines.push(`B-${i},${account},Member ${i},health,${month},${amount},${i % 12 === 0 ? "yes" : "no"}`);
  }
  return `${lines.join("\n")}\n`;
}

async function withBenchDatabase<T>(dir: string, run: (db: DataSource, where: string) => Promise<T>): Promise<T> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ dataDir: path.join(dir, "data"), url: "" });
    try {
      return await run(db, "embedded PGlite");
    } finally {
      await closeDatabase(db);
    }
  }
  const name = `billpay_bench_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  try {
    return await run(db, "PostgreSQL");
  } finally {
    await closeDatabase(db);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: "string", default: "20000" } } });
  const rows = Number(values.rows);
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-bench-invoices-"));
  try {
    const first = path.join(dir, "first.csv");
    const changed = path.join(dir, "changed.csv");
    writeFileSync(
      first,
      billingCsv(rows, () => false),
    );
    writeFileSync(
      changed,
      billingCsv(rows, (i) => i % 10 === 0),
    );
    await withBenchDatabase(dir, async (db, where) => {
      for (const [label, file] of [
        ["new", first],
        ["same again", first],
        ["every 10th changed", changed],
      ]) {
        const t = Date.now();
        const result = await importInvoices(db, file);
        const ms = Date.now() - t;
        const counts = `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.errors.length} refused`;
        console.log(
          `${where}, ${label}: ${rows.toLocaleString("en-US")} rows in ${ms} ms = ${rate(rows, ms)} (${counts})`,
        );
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
