import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeRppsFile } from "../../adapters/nacha/generate";
import { ANALYZE_AFTER_ROWS, ingestFile } from "../../src/ingest/pipeline";
import { freshDatabase, type TestDatabase } from "../support/database";

/** The planner must know a table that a file has just grown by much, before matching reads it. */
describe("planner statistics after a large posting", function () {
  this.timeout(120_000);
  let t: TestDatabase;
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-stats-"));
  const estimate = async () =>
    (
      (await t.db.query(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'payments'::regclass`)) as {
        n: number;
      }[]
    )[0].n;

  before(async () => (t = await freshDatabase()));
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves a small file to autovacuum", async () => {
    const file = path.join(dir, "small.ach");
    await writeRppsFile(file, 200);
    await ingestFile(t.db, { aggregator: "rpps", path: file }, { match: false });
    expect(await estimate()).to.be.lessThan(200);
  });

  it("analyzes the payments table after a file of at least ANALYZE_AFTER_ROWS payments", async () => {
    const file = path.join(dir, "large.ach");
    const { entries } = await writeRppsFile(file, ANALYZE_AFTER_ROWS + 2_000);
    const result = await ingestFile(t.db, { aggregator: "rpps", path: file }, { match: false });
    expect(result.status).to.equal("posted");
    expect(await estimate()).to.be.closeTo(entries + 200, 0.05 * entries);
  });
});
