import { expect } from "chai";
import { existsSync } from "node:fs";
import path from "node:path";
import { rmSync } from "node:fs";
import { pollSource } from "../../src/sources/poll-sources";
import { freshDatabase, type TestDatabase } from "../support/database";
import { captureLog, localInbound, names, rppsAggregator, SmallDisk, tmpfsUnavailable } from "../support/drills";
import { absent, fileFound, postedWhole, writeDrillFile } from "../support/kill-drill";

/**
 * Drill b: the disk under the staging folder fills up while a file is being staged. The staging
 * folder is a real 256 KiB tmpfs and the file about 940 KB, so the write fails with ENOSPC from the
 * kernel. Nothing may be posted, the log must say what happened, the partial copy must be gone, and
 * once the disk is grown the next poll posts the file exactly once.
 */
describe("drill: the disk fills up while a file is staged", function () {
  this.timeout(60_000);
  const reason = tmpfsUnavailable();
  if (reason) {
    it(`is skipped: ${reason}`, function () {
      this.skip();
    });
    return;
  }
  let t: TestDatabase;
  let disk: SmallDisk;
  const folder = localInbound();
  before(async () => {
    t = await freshDatabase();
    disk = new SmallDisk("256k");
  });
  after(async () => {
    disk?.dispose();
    await t?.close();
    rmSync(folder.root, { recursive: true, force: true });
  });

  it("posts nothing and says the staging folder is full, then posts the file once space is back", async () => {
    const file = await writeDrillFile(folder.inbound, 10_000, 22);
    const agg = rppsAggregator(folder.source);
    const options = { stagingDir: disk.dir };
    const logs = captureLog();
    try {
      const full = await pollSource(t.db, agg, options);
      expect(full.ok).to.equal(false);
      expect(full.files).to.deep.equal([]);
      expect(full.error).to.match(/no space left in the staging folder .* \(ENOSPC\)/);
      const stopped = logs.find("source stopped mid-poll");
      expect(stopped, JSON.stringify(logs.lines)).to.have.length(1);
      expect(stopped[0]).to.include({ aggregator: "rpps", file: path.basename(file.path) });
      expect(String(stopped[0].error)).to.match(/no space left in the staging folder .*stays on the source/);
      expect(names(disk.dir), "the partial copy is removed").to.deep.equal([]);
      expect(existsSync(file.path), "the file stays in the source folder").to.equal(true);
      expect(absent(await fileFound(t.db, file), 0), "nothing of it posted").to.equal(true);

      disk.resize("8m");
      const next = await pollSource(t.db, agg, options);
      expect(next.ok, next.error ?? "").to.equal(true);
      expect(next.files.map((f) => f.status)).to.deep.equal(["posted"]);
      expect(postedWhole(await fileFound(t.db, file), file, 0), "posted whole, once").to.equal(true);
      expect(names(folder.archive)).to.deep.equal([path.basename(file.path)]);
      expect(names(disk.dir), "the staged copy is removed after posting").to.deep.equal([]);

      const again = await pollSource(t.db, agg, options);
      expect(again.files).to.deep.equal([]);
      expect(postedWhole(await fileFound(t.db, file), file, 0)).to.equal(true);
    } finally {
      logs.stop();
    }
  });
});
