import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { FileTooLargeError, STALE_STAGING_MS, stageStream, sweepStaleStaging } from "../../src/sources/staging";

describe("staging folder", () => {
  it("a staged copy carries the sha256 and size of what streamed in", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "billpay-staging-"));
    const body = Buffer.from("101 MA HEALTH CONNECTOR\n".repeat(1000));
    const staged = await stageStream(Readable.from([body.subarray(0, 5000), body.subarray(5000)]), {
      name: "day.ach",
      maxBytes: 1 << 20,
      idleTimeoutMs: 0,
      dir,
    });
    expect(staged.sizeBytes).to.equal(body.length);
    expect(staged.sha256).to.equal(createHash("sha256").update(body).digest("hex"));
    expect(path.dirname(staged.path)).to.equal(dir);
  });

  it("a download past the size cap is cut off and leaves nothing behind", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "billpay-staging-"));
    let error: unknown = null;
    try {
      await stageStream(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), {
        name: "big.ach",
        maxBytes: 1000,
        idleTimeoutMs: 0,
        dir,
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(FileTooLargeError);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it("copies left by an interrupted run are swept once stale, fresh ones are kept", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "billpay-staging-"));
    const stale = path.join(dir, "stale-day.ach");
    const fresh = path.join(dir, "fresh-day.ach");
    writeFileSync(stale, "x");
    writeFileSync(fresh, "y");
    const old = new Date(Date.now() - STALE_STAGING_MS - 60_000);
    utimesSync(stale, old, old);
    expect(await sweepStaleStaging(dir)).to.equal(1);
    expect(existsSync(stale)).to.equal(false);
    expect(existsSync(fresh)).to.equal(true);
    expect(await sweepStaleStaging(path.join(dir, "missing"))).to.equal(0);
  });
});
