import { expect } from "chai";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { writeRppsFile } from "../../adapters/nacha/generate";
import { ingestFile } from "../../src/ingest/pipeline";
import { PROJECT_ROOT } from "../../src/paths";
import { closeDatabase, openDatabase } from "../../src/store/data-source";
import { childEnv, freshDatabase, type TestDatabase } from "../support/database";

const ENTRIES = 5000;

async function one(db: DataSource, sql: string): Promise<number> {
  const rows = (await db.query(sql)) as { n: number }[];
  return rows[0].n;
}

/** Exactly-once across a crash, on whichever database the suite runs on (the embedded one too). */
describe("a posting killed with -9 part-way through its COPY batches", function () {
  this.timeout(180_000);
  let t: TestDatabase;
  let work: string;
  let reopened: DataSource | null = null;

  before(async () => {
    t = await freshDatabase();
    work = mkdtempSync(path.join(tmpdir(), "billpay-kill-"));
  });
  after(async () => {
    if (t?.dataDir) {
      // The embedded database was closed for the child and reopened here after the kill.
      if (reopened) await closeDatabase(reopened);
      rmSync(t.dataDir, { recursive: true, force: true });
    } else await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("leaves no payment and no posted file behind, and the next run posts every payment once", async () => {
    const file = path.join(work, "big.ach");
    const written = await writeRppsFile(file, ENTRIES);
    // The embedded database is one process's: the child takes the data folder over.
    if (t.dataDir) await closeDatabase(t.db);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(PROJECT_ROOT, "test", "support", "post-and-hang.ts"), file, "3000"],
      { cwd: PROJECT_ROOT, env: { ...childEnv(t), LOG_LEVEL: "error" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = once(child, "exit");
    let out = "";
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("mid-posting")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`child exited (${code}) before mid-posting: ${out}${err}`)));
    });
    expect(out).to.match(/^mid-posting 3000\n$/);
    if (!t.dataDir) {
      // On PostgreSQL the batches already copied are invisible outside the open transaction.
      expect(await one(t.db, `SELECT count(*)::int AS n FROM payments`)).to.equal(0);
    }
    child.kill("SIGKILL");
    const [, signal] = (await exited) as [number | null, string | null];
    expect(signal).to.equal("SIGKILL");

    const db = t.dataDir ? (reopened = await openDatabase({ dataDir: t.dataDir, url: "" })) : t.db;
    expect(await one(db, `SELECT count(*)::int AS n FROM payments`)).to.equal(0);
    expect(await one(db, `SELECT count(*)::int AS n FROM remittance_files WHERE status = 'posted'`)).to.equal(0);

    const result = await ingestFile(db, { aggregator: "rpps", path: file }, { match: false });
    expect(result.status).to.equal("posted");
    expect(result.payments).to.equal(ENTRIES);
    expect(result.duplicatePayments).to.equal(0);
    expect(result.totalCents).to.equal(written.totalCents);
    const [money] = (await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT line)::int AS lines, coalesce(sum(amount_cents), 0)::text AS cents,
              count(*) FILTER (WHERE status <> 'active')::int AS dup FROM payments`,
    )) as { n: number; lines: number; cents: string; dup: number }[];
    expect(money).to.deep.equal({ n: ENTRIES, lines: ENTRIES, cents: String(written.totalCents), dup: 0 });
    expect(await one(db, `SELECT count(*)::int AS n FROM remittance_files`)).to.equal(1);
  });
});
