import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freshDatabase } from "../support/database";
import {
  DrillDatabase,
  killIngest,
  writeDrillFile,
  type DrillFile,
  type IngestKill,
  type IngestKillReport,
} from "../support/kill-drill";

/** Smaller embedded: each kill there costs the child's and the drill's opening of PGlite. */
const EMBEDDED = !process.env.DATABASE_URL;
const ENTRIES = EMBEDDED ? 6000 : 20_000;
const BATCH = EMBEDDED ? 1000 : 2000;

/**
 * Exactly-once across kill -9, on whichever database the suite runs on: a child posts a file of
 * many COPY batches and is killed at a chosen row, or at a random moment (the claim, the batches,
 * the commit, or after it). The file must be posted whole or be absent, and a run after it (here,
 * as the next poll would) must leave every payment once. Each kill posts its own file (other
 * traces and header identity), so the kills build on one database.
 */
describe("kill -9 at any moment of a posting leaves all of the file or none, and the next run posts it exactly once", function () {
  this.timeout(240_000);
  let d: DrillDatabase;
  let work: string;
  let variant = 0;
  /** How long the last full posting took here, to pick random moments within one. */
  let postingMs = 0;

  before(async () => {
    const t = await freshDatabase();
    d = new DrillDatabase(t.db, t.url, t.dataDir);
    work = mkdtempSync(path.join(tmpdir(), "billpay-kill-"));
  });
  after(async () => {
    await d?.dispose(process.env.DATABASE_URL ?? null);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function drill(kill: IngestKill): Promise<{ report: IngestKillReport; file: DrillFile }> {
    const file = await writeDrillFile(work, ENTRIES, ++variant);
    const db = await d.takeBack();
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM payments`)) as { n: number }[];
    const report = await killIngest(d, file, kill, { batchSize: BATCH, before: n });
    if (report.rerun.status === "posted") postingMs = report.rerun.ms;
    return { report, file };
  }

  /** What every kill must leave: the whole file or none of it, and after the next run, the whole file once. */
  function expectAllOrNothing(report: IngestKillReport): void {
    const said = `killed ${report.moment}: ${JSON.stringify(report)}`;
    expect(report.state, said).to.be.oneOf(["posted whole", "absent"]);
    expect(report.rerun.status, said).to.equal(report.state === "posted whole" ? "duplicate" : "posted");
    expect(report.rerun.duplicatePayments, said).to.equal(0);
    expect(report.exactlyOnce, said).to.equal(true);
  }

  for (const [title, rows] of [
    ["after its first batch", () => BATCH],
    ["half-way", () => ENTRIES / 2],
    ["after its last batch, before the commit", () => ENTRIES],
  ] as const) {
    it(`killed ${title}: nothing of it is left, and the next run posts every payment once`, async () => {
      const { report } = await drill({ rows: rows() });
      expect(report.killed).to.equal(true);
      expect(report.rowsSaid).to.be.at.least(rows());
      expect(report.state).to.equal("absent");
      // On PostgreSQL the batches already copied are invisible outside the open transaction.
      if (!EMBEDDED) expect(report.seenMidPosting).to.equal(0);
      expectAllOrNothing(report);
    });
  }

  for (const n of EMBEDDED ? [1] : [1, 2]) {
    it(`killed at a random moment of a posting (${n}): posted whole or absent, and once after the next run`, async () => {
      expect(postingMs, "a posting was timed by an earlier case").to.be.greaterThan(0);
      const { report } = await drill({ ms: Math.round(Math.random() * postingMs * 1.2) });
      expectAllOrNothing(report);
    });
  }
});
