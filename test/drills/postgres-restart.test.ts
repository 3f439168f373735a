import { expect } from "chai";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import { pollSource } from "../../src/sources/poll-sources";
import { closeDatabase, openDatabase } from "../../src/store/data-source";
import {
  captureLog,
  localInbound,
  names,
  OwnPostgres,
  ownPostgresUnavailable,
  rppsAggregator,
} from "../support/drills";
import { absent, fileFound, postedWhole, writeDrillFile } from "../support/kill-drill";

/**
 * Drill c: PostgreSQL goes down and comes back (an immediate stop: every session cut, crash
 * recovery on start) while a file's payments are being written in its one transaction. The file
 * must be all or nothing, stay in the source folder, and the next poll, on the same process and
 * its same connection pool, must post it exactly once. The drill starts a server of its own: the
 * shared test server is never restarted. It runs on both passes (the embedded one included).
 */
describe("drill: PostgreSQL restarted mid-post", function () {
  this.timeout(90_000);
  const reason = ownPostgresUnavailable();
  if (reason) {
    it(`is skipped: ${reason}`, function () {
      this.skip();
    });
    return;
  }
  let server: OwnPostgres;
  let db: DataSource;
  const folder = localInbound();
  before(async () => {
    server = await OwnPostgres.onFreePort();
    db = await openDatabase({ url: server.url });
  });
  after(async () => {
    if (db) await closeDatabase(db).catch(() => undefined);
    server?.dispose();
    rmSync(folder.root, { recursive: true, force: true });
  });

  it("posts nothing of the cut transaction, then posts the file once on the next poll", async () => {
    const file = await writeDrillFile(folder.inbound, 20_000, 23);
    const agg = rppsAggregator(folder.source);
    const logs = captureLog();
    let restartedAt = 0;
    try {
      const cut = await pollSource(db, agg, {
        onProgress: (p) => {
          // Past two committed-to-the-transaction batches of 5,000 rows: the restart cuts a posting in flight.
          if (p.phase !== "ingest" || restartedAt || p.bytes < (file.entries * 94) / 2) return;
          restartedAt = p.bytes;
          server.crashRestart();
        },
      });
      expect(restartedAt, "the server was restarted mid-post").to.be.greaterThan(0);
      expect(cut.files.map((f) => f.status)).to.deep.equal(["failed"]);
      const failed = logs.find("ingest failed; the file stays on the source for the next poll");
      expect(failed, JSON.stringify(logs.lines)).to.have.length(1);
      expect(failed[0]).to.include({ aggregator: "rpps", file: path.basename(file.path) });
      // The cut itself is reported, not the rollback that could not run on the cut connection.
      expect(JSON.stringify(failed[0].error)).to.match(/terminat/i);
      expect(existsSync(file.path), "the file stays in the source folder").to.equal(true);
      expect(absent(await fileFound(db, file), 0), "nothing of it posted").to.equal(true);

      const next = await pollSource(db, agg);
      expect(next.ok, next.error ?? "").to.equal(true);
      expect(next.files.map((f) => f.status)).to.deep.equal(["posted"]);
      expect(postedWhole(await fileFound(db, file), file, 0), "posted whole, once").to.equal(true);
      expect(names(folder.archive)).to.deep.equal([path.basename(file.path)]);

      const again = await pollSource(db, agg);
      expect(again.files).to.deep.equal([]);
      expect(postedWhole(await fileFound(db, file), file, 0)).to.equal(true);
    } finally {
      logs.stop();
    }
  });
});
