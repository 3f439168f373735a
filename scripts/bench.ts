// Benchmark (a script, not a test): writes an RPPS file of N entries (default 1,000,000) in a temp
// folder and prints parse-only entries/s, parse+rules entries/s, ingest payments/s on the current
// database (DATABASE_URL, else a fresh embedded database in the temp folder) and peak RSS.
// Usage: npm run bench -- [--entries N] [--ingest-entries N] [--match] [--keep]
// --match also times the matching ladder over the ingested file (it needs billing data to mean much).
import "reflect-metadata";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeRppsFile } from "../adapters/nacha/generate";
import { dryRun } from "../src/ingest/dry-run";
import { loadAggregatorMapping } from "../src/config/mapping-loader";
import { ingestFile } from "../src/ingest/pipeline";
import { matchPostedFile } from "../src/match/matcher";
import { closeDatabase, isEmbedded, openDatabase } from "../src/store/data-source";

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString("en-US")}/s`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: "string", default: "1000000" },
      "ingest-entries": { type: "string" },
      keep: { type: "boolean", default: false },
      match: { type: "boolean", default: false },
    },
  });
  const entries = Number(values.entries);
  const ingestEntries = Number(values["ingest-entries"] ?? values.entries);
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-bench-"));
  const mapping = loadAggregatorMapping("rpps");
  let peakRss = process.memoryUsage().rss;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const timer = setInterval(sample, 50);
  try {
    const file = path.join(dir, "bench.ach");
    let t = Date.now();
    await writeRppsFile(file, entries);
    console.log(
      `generated ${entries.toLocaleString("en-US")} entries (${mb(statSync(file).size)}) in ${Date.now() - t} ms`,
    );

    // Parse only: the adapter's item stream, nothing else.
    const rssBefore = process.memoryUsage().rss;
    let items = 0;
    const rssAt: string[] = [];
    t = Date.now();
    for await (const item of mapping.adapter.parse(createReadStream(file), mapping.mapping, {
      name: "bench.ach",
      aggregator: "rpps",
    })) {
      if (item.kind === "payment" && ++items % Math.max(1, Math.floor(entries / 4)) === 0) rssAt.push(mb(sample()));
    }
    const parseMs = Date.now() - t;
    console.log(
      `parse only:   ${items.toLocaleString("en-US")} entries in ${parseMs} ms = ${rate(items, parseMs)}; RSS at 25/50/75/100%: ${rssAt.join(" ")} (before: ${mb(rssBefore)})`,
    );

    // Parse + account and timing rules, still nothing stored.
    t = Date.now();
    let assessed = 0;
    await dryRun(file, mapping, () => void assessed++);
    const rulesMs = Date.now() - t;
    console.log(
      `parse+rules:  ${assessed.toLocaleString("en-US")} entries in ${rulesMs} ms = ${rate(assessed, rulesMs)}`,
    );

    // Ingest into the database.
    const ingestFileName = ingestEntries === entries ? file : path.join(dir, "bench-ingest.ach");
    if (ingestFileName !== file) await writeRppsFile(ingestFileName, ingestEntries);
    const db = await openDatabase({ dataDir: path.join(dir, "data") });
    try {
      t = Date.now();
      // A fresh aggregator id, so that a shared PostgreSQL database never sees the file as a duplicate.
      const result = await ingestFile(
        db,
        { aggregator: `bench-${Date.now()}`, path: ingestFileName, mapping },
        { match: false },
      );
      const ingestMs = Date.now() - t;
      const where = isEmbedded(db) ? "embedded PGlite" : "PostgreSQL";
      console.log(
        `ingest (${where}): ${result.status}, ${result.payments.toLocaleString("en-US")} payments in ${ingestMs} ms = ${rate(result.payments, ingestMs)}`,
      );
      if (values.match && result.fileId) {
        t = Date.now();
        await matchPostedFile(db, result.fileId);
        const matchMs = Date.now() - t;
        console.log(
          `matching (${where}): ${result.payments.toLocaleString("en-US")} payments in ${matchMs} ms = ${rate(result.payments, matchMs)}`,
        );
      }
    } finally {
      await closeDatabase(db);
    }
    sample();
    console.log(`peak RSS: ${mb(peakRss)} (process maxRSS ${mb(process.resourceUsage().maxRSS * 1024)})`);
  } finally {
    clearInterval(timer);
    if (values.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
