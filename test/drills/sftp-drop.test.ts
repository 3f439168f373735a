import { expect } from "chai";
import { existsSync } from "node:fs";
import path from "node:path";
import { pollSource } from "../../src/sources/poll-sources";
import { freshDatabase, type TestDatabase } from "../support/database";
import { captureLog, descendants, names, rppsAggregator } from "../support/drills";
import { absent, fileFound, postedWhole, writeDrillFile } from "../support/kill-drill";
import { opensshUnavailable } from "../support/openssh";
import { startWorld, worldSource, type SftpWorld } from "../support/sftp-world";

/**
 * Drill a: a real OpenSSH server loses the connection in the middle of a download (its session
 * processes are killed with -9, as a crashed or restarted server would). The file must stay on the
 * server, nothing of it posted, and the next poll posts it exactly once.
 */
describe("drill: the SFTP server drops the connection mid-download", function () {
  this.timeout(60_000);
  const reason = opensshUnavailable();
  if (reason) {
    it(`is skipped: ${reason}`, function () {
      this.skip();
    });
    return;
  }
  let t: TestDatabase;
  let world: SftpWorld;
  before(async () => {
    t = await freshDatabase();
    world = await startWorld("openssh");
  });
  after(async () => {
    await world?.stop();
    await t?.close();
  });

  it("leaves the file on the server, then the next poll posts it exactly once", async () => {
    // About 1.9 MB: the download is many SFTP reads, so the kill lands in its middle.
    const file = await writeDrillFile(world.inbound, 20_000, 21);
    // One attempt: the poll gives the file up instead of reconnecting, as when the server stays down.
    const agg = rppsAggregator(worldSource(world, { attempts: 1, timeoutSeconds: 5 }));
    const logs = captureLog();
    let killed: number[] = [];
    let cutAt = 0;
    try {
      const cut = await pollSource(t.db, agg, {
        onProgress: (p) => {
          if (p.phase !== "download" || killed.length) return;
          cutAt = p.bytes;
          killed = descendants(world.serverPid as number);
          for (const pid of killed) process.kill(pid, "SIGKILL");
        },
      });
      expect(killed, "the sshd session processes killed").to.not.be.empty;
      expect(cutAt).to.be.lessThan(file.entries * 94);
      expect(cut.ok).to.equal(false);
      expect(cut.files).to.deep.equal([]);
      const stopped = logs.find("source stopped mid-poll");
      expect(stopped, JSON.stringify(logs.lines)).to.have.length(1);
      expect(stopped[0]).to.include({ aggregator: "rpps", file: path.basename(file.path) });
      expect(existsSync(file.path), "the file is still on the server").to.equal(true);
      expect(absent(await fileFound(t.db, file), 0), "nothing of it posted").to.equal(true);

      const next = await pollSource(t.db, agg);
      expect(next.ok, next.error ?? "").to.equal(true);
      expect(next.files.map((f) => f.status)).to.deep.equal(["posted"]);
      expect(postedWhole(await fileFound(t.db, file), file, 0), "posted whole, once").to.equal(true);
      expect(logs.find("file posted").map((l) => l.file)).to.deep.equal([path.basename(file.path)]);
      expect(names(path.join(world.inbound, "archive"))).to.deep.equal([path.basename(file.path)]);

      const again = await pollSource(t.db, agg);
      expect(again.files).to.deep.equal([]);
      expect(postedWhole(await fileFound(t.db, file), file, 0)).to.equal(true);
    } finally {
      logs.stop();
    }
  });
});
