// Benchmark (a script, not a test). Each speed is printed beside a floor measured in the same run,
// on the same data, because the machine is shared and noisy: the ratio is what to compare.
//   parse          entries/s of the RPPS adapter's item stream (N entries, default 1,000,000),
//                  beside the minimal-slice floor, the least work a parser that delivers entries
//                  must do: the same file streamed in the same chunks, split into lines, and for
//                  each entry record one object of amount (integer cents), account, name and trace,
//                  yielded by an async generator and consumed with for-await (no validation)
//   parse+rules    the same with the account and timing rules (dryRun), beside the same floor
//   ingest         payments/s of ingestFile (no matching) on the current database (DATABASE_URL,
//                  else a fresh embedded database in a temp folder), beside the COPY floor: the
//                  rows it just posted, copied into a clone of payments with the same indexes
//   invoice import rows/s of importInvoices for M invoices, beside the COPY floor of those rows
//                  into a clone of invoices (with --invoices M, or --payments N: M = N)
//   ingest billed  + matching: N payments to the M billed accounts (amounts equal to the
//                  invoices), posted without matching, then matchPayments over that file, each
//                  beside the COPY floor of the file's N payment rows (with --payments N)
//   its rows by COPY  the decisions and audit entries matching wrote, copied into clones of their
//                  tables, beside the same floor: the share of matching's target its rows alone take
// Peak RSS per step (the step and its floor) and overall. Progress goes to stderr; stdout holds
// the table, or with --json one JSON object. Targets (not enforced here): parse >= 50% of its
// floor; ingest >= 70% of its floor; matching <= 3x and invoice import <= 2x the floor's time.
// Invoices need a database without invoices: a fresh one (embedded, or a new DATABASE_URL database).
// Usage: npm run bench -- [options]
//   --entries N         entries in the RPPS file parsed (default 1,000,000)
//   --ingest-entries N  entries in the file ingested (default: --entries, the same file)
//   --payments N        time matching too: N payments to billed accounts, posted, then matched
//   --invoices M        invoices imported and billed to those payments (default N with --payments)
//   --json              one JSON object on stdout instead of the table
//   --keep              keep the temp folder (the files, the embedded database)
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeDatabase, isEmbedded, openDatabase } from "../src/store/data-source";
import { Bench } from "./bench/steps";
import { renderReport, reportJson, type BenchReport } from "./bench/report";
import { progress } from "./bench/meter";

const USAGE = `Usage: npm run bench -- [options]
  --entries N          entries in the RPPS file parsed (default 1,000,000)
  --ingest-entries N   entries in the file ingested (default: --entries; the same file)
  --payments N         also time matching: N payments to billed accounts, posted, then matched
  --invoices M         invoices imported (and billed to the payments); default N with --payments
  --json               print one JSON object instead of the table
  --keep               keep the temp folder (files, embedded database)
  -h, --help           this text
Speeds are printed beside floors measured in the same run; see the header of scripts/bench.ts.
Invoices need a database without invoices: embedded (no DATABASE_URL) or a fresh one.`;

interface BenchOptions {
  entries: number;
  ingestEntries: number;
  payments: number;
  invoices: number;
  json: boolean;
  keep: boolean;
}

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${value}`);
  return n;
}

/** The options, or null when --help was asked for. */
function readOptions(): BenchOptions | null {
  const { values } = parseArgs({
    options: {
      entries: { type: "string" },
      "ingest-entries": { type: "string" },
      payments: { type: "string" },
      invoices: { type: "string" },
      json: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return null;
  const entries = count("entries", values.entries, 1_000_000);
  const payments = count("payments", values.payments, 0);
  const invoices = count("invoices", values.invoices, payments);
  if (payments && !invoices) throw new Error("--payments needs at least one invoice to pay (--invoices M)");
  return {
    entries,
    ingestEntries: count("ingest-entries", values["ingest-entries"], entries),
    payments,
    invoices,
    json: values.json,
    keep: values.keep,
  };
}

async function run(options: BenchOptions, dir: string): Promise<BenchReport> {
  const bench = new Bench(dir);
  try {
    const parsed = await bench.generate("bench.ach", options.entries);
    await bench.parse(parsed);
    const db = await openDatabase({ dataDir: path.join(dir, "data") });
    try {
      if (options.invoices) await bench.requireNoInvoices(db);
      const ingested =
        options.ingestEntries === options.entries ? parsed : await bench.generate("ingest.ach", options.ingestEntries);
      await bench.ingest(db, ingested);
      if (options.invoices) await bench.importInvoices(db, options.invoices);
      if (options.payments) await bench.matching(db, options.payments, options.invoices);
      const { entries, ingestEntries, payments, invoices } = options;
      return bench.report(isEmbedded(db) ? "embedded PGlite" : "PostgreSQL", {
        entries,
        ingestEntries,
        payments,
        invoices,
      });
    } finally {
      await closeDatabase(db);
    }
  } finally {
    bench.stop();
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!options) {
    console.log(USAGE);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-bench-"));
  try {
    const report = await run(options, dir);
    console.log(options.json ? reportJson(report) : renderReport(report));
  } finally {
    if (options.keep) progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
