// The kill -9 drill at scale (issue 11): posts big RPPS files in a child process, kills it with -9
// at random moments, and checks each time that the file is posted whole or absent, and that a run
// after the kill posts every payment exactly once. One line per kill; exit status 1 if any fails.
// Usage: DATABASE_URL=postgres://… tsx scripts/kill-drill.ts [--entries N] [--kills K] [--batch-size B] [--estimate-ms T]
// Defaults: 1,000,000 entries, 3 kills, the pipeline's batch size. Moments are drawn within T, a
// guess of one posting's time (N/20 ms), then within what the last posting took. Each kill posts
// its own file (other traces, another header identity), so the drill adds K × N payments.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../src/store/data-source";
import { DrillDatabase, killIngest, writeDrillFile, type IngestKillReport } from "../test/support/kill-drill";

const fmt = (n: number) => n.toLocaleString("en-US");

function line(k: number, kills: number, r: IngestKillReport, estimateMs: number, ms: number): string {
  const found =
    r.state === "posted whole"
      ? `posted whole (${fmt(r.found.payments)} payments, ${fmt(r.found.cents)} cents)`
      : r.state === "absent"
        ? `absent (0 of its payments, ledger row ${r.found.status ?? "none"})`
        : `NEITHER whole nor absent: ${JSON.stringify(r.found)}`;
  const rerun = `re-run ${r.rerun.status} ${fmt(r.rerun.payments)} payments (${fmt(r.rerun.duplicatePayments)} duplicates) in ${fmt(r.rerun.ms)} ms`;
  return [
    `kill ${k}/${kills}: ${fmt(ms)} ms after ready (${Math.round((100 * ms) / estimateMs)}% of a posting's ~${fmt(estimateMs)} ms),`,
    r.killed
      ? `${fmt(r.rowsSaid)} rows written;`
      : `the child had already finished (posting took ${fmt(r.finishedMs ?? 0)} ms);`,
    `found ${found}; ${rerun};`,
    r.exactlyOnce ? "after: every payment once, one posted file: ok" : `after: WRONG ${JSON.stringify(r.after)}`,
  ].join(" ");
}

/** A variant no earlier drill on this database used (its file name is on the ledger). */
async function freshVariant(d: DrillDatabase): Promise<number> {
  const db = await d.takeBack();
  for (;;) {
    const variant = 1 + Math.floor(Math.random() * 1439);
    const rows = (await db.query(`SELECT 1 FROM remittance_files WHERE name = $1`, [`drill-${variant}.ach`])) as [];
    if (!rows.length) return variant;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: "string", default: "1000000" },
      kills: { type: "string", default: "3" },
      "batch-size": { type: "string" },
      "estimate-ms": { type: "string" },
    },
  });
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("set DATABASE_URL: the drill runs against PostgreSQL");
  const entries = Number(values.entries);
  const kills = Number(values.kills);
  const batchSize = values["batch-size"] ? Number(values["batch-size"]) : undefined;
  const d = new DrillDatabase(await openDatabase({ url }), url, null);
  const work = mkdtempSync(path.join(tmpdir(), "billpay-kill-drill-"));
  // How long one posting takes, to pick moments within one: a guess, then each re-run that posted.
  let estimateMs = values["estimate-ms"] ? Number(values["estimate-ms"]) : Math.max(2000, entries / 20);
  let failed = 0;
  try {
    for (let k = 1; k <= kills; k++) {
      const file = await writeDrillFile(work, entries, await freshVariant(d));
      const [{ n }] = (await d.db.query(`SELECT count(*)::int AS n FROM payments`)) as { n: number }[];
      const ms = Math.round(Math.random() * estimateMs * 1.1);
      const report = await killIngest(d, file, { ms }, { batchSize, before: n });
      const ok = report.state !== "neither" && report.exactlyOnce;
      if (!ok) failed += 1;
      console.log(line(k, kills, report, estimateMs, ms));
      // The next moment within the last posting timed: the child's own, or else the re-run's.
      estimateMs = report.finishedMs ?? (report.rerun.status === "posted" ? report.rerun.ms : estimateMs);
      rmSync(file.path, { force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await d.dispose();
  }
  console.log(
    failed
      ? `${failed} of ${kills} kills left something wrong`
      : `all ${kills} kills: all or nothing, then exactly once`,
  );
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
