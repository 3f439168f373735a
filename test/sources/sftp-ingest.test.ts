import { expect } from "chai";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { parseConfig, type AggregatorConfig } from "../../src/config/config-file";
import { ingestFile } from "../../src/ingest/pipeline";
import { pollAll, pollSource } from "../../src/sources/poll-sources";
import type { PollOptions, PollReport } from "../../src/sources/poll";
import { freshDatabase, type TestDatabase } from "../support/database";
import { opensshUnavailable } from "../support/openssh";
import { dropFile, nachaSamples, sftpAggregator, startWorld, type SftpWorld } from "../support/sftp-world";

/**
 * The exactly-once rules of issue 4, through real SFTP: against the in-process ssh2 server always,
 * and against a real OpenSSH sshd where one is installed (CI installs openssh-server).
 */

async function counts(
  t: TestDatabase,
  aggregator: string,
): Promise<{ files: number; payments: number; statuses: string[] }> {
  const files = (await t.db.query(`SELECT status FROM remittance_files WHERE aggregator = $1 ORDER BY status`, [
    aggregator,
  ])) as { status: string }[];
  const [p] = (await t.db.query(`SELECT count(*)::int AS n FROM payments WHERE aggregator = $1`, [aggregator])) as {
    n: number;
  }[];
  return { files: files.length, payments: p.n, statuses: files.map((f) => f.status) };
}

async function ledger(
  t: TestDatabase,
  aggregator: string,
): Promise<{ remote_path: string; outcome: string; moved: boolean; moved_to: string | null }[]> {
  return t.db.query(
    `SELECT remote_path, outcome, moved, moved_to FROM source_objects WHERE aggregator = $1 ORDER BY remote_path`,
    [aggregator],
  );
}

function names(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** A NACHA file with its control records cut off: a structural error, so quarantined. */
function truncatedCopy(sample: string, dir: string, name: string): void {
  const lines = readFileSync(sample, "latin1")
    .split(/\r?\n/)
    .filter((l) => l.startsWith("1") || l.startsWith("5") || l.startsWith("6"));
  const target = path.join(dir, name);
  writeFileSync(target, `${lines.join("\n")}\n`, "latin1");
  const then = new Date(Date.now() - 3600_000);
  utimesSync(target, then, then);
}

function scenarios(kind: "ssh2" | "openssh"): void {
  let t: TestDatabase;
  let world: SftpWorld;
  const [first, second] = nachaSamples();
  const poll = (agg: AggregatorConfig, options?: PollOptions): Promise<PollReport> => pollSource(t.db, agg, options);

  before(async () => {
    t = await freshDatabase();
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    world = await startWorld(kind);
  });
  afterEach(async () => {
    await world?.stop();
  });

  it("posts every stable file once and moves it to the archive only after the commit", async () => {
    const agg = sftpAggregator(world);
    dropFile(first, world.inbound);
    dropFile(second, world.inbound);
    const report = await poll(agg);
    expect(report.ok, report.error ?? "").to.equal(true);
    expect(report.files.map((f) => f.status)).to.deep.equal(["posted", "posted"]);
    const db = await counts(t, agg.id);
    expect(db.payments)
      .to.equal(report.files.reduce((n, f) => n + f.payments, 0))
      .and.to.be.greaterThan(0);
    expect(names(world.inbound)).to.deep.equal(["archive"]);
    expect(names(path.join(world.inbound, "archive"))).to.deep.equal(
      [path.basename(first), path.basename(second)].sort(),
    );
    const rows = await ledger(t, agg.id);
    expect(rows.map((r) => [r.outcome, r.moved])).to.deep.equal([
      ["posted", true],
      ["posted", true],
    ]);
  });

  it("ingests nothing on a second poll, and a re-sent copy under a new name is a duplicate that writes nothing", async () => {
    const agg = sftpAggregator(world);
    dropFile(first, world.inbound);
    await poll(agg);
    const before = await counts(t, agg.id);
    const again = await poll(agg);
    expect(again.files).to.deep.equal([]);
    dropFile(first, world.inbound, "resent.ach");
    const resent = await poll(agg);
    expect(resent.files.map((f) => f.status)).to.deep.equal(["duplicate"]);
    expect(resent.files[0].movedTo).to.match(/archive\/resent\.ach$/);
    expect(await counts(t, agg.id)).to.deep.equal(before);
  });

  it("refuses a server whose host key does not match the pin, downloading nothing", async () => {
    const agg = sftpAggregator(world, { hostKeySha256: `SHA256:${"A".repeat(43)}` });
    dropFile(first, world.inbound);
    const report = await poll(agg);
    expect(report.ok).to.equal(false);
    expect(report.error)
      .to.match(/host key mismatch/)
      .and.to.include(String(world.source.hostKeySha256));
    expect(report.files).to.deep.equal([]);
    expect(names(world.inbound)).to.deep.equal([path.basename(first)]);
    expect((await counts(t, agg.id)).files).to.equal(0);
  });

  it("skips a file that is still growing and takes it once it is stable", async () => {
    const agg = sftpAggregator(world, { settleMs: 400 });
    const full = readFileSync(first);
    const target = path.join(world.inbound, "growing.ach");
    writeFileSync(target, full.subarray(0, 100));
    let written = 100;
    const writer = setInterval(() => {
      if (written < full.length - 1) appendFileSync(target, full.subarray(written, ++written));
    }, 20);
    let report: PollReport;
    try {
      report = await poll(agg);
    } finally {
      clearInterval(writer);
    }
    expect(report.files).to.deep.equal([]);
    expect(report.skipped).to.deep.include({ name: "growing.ach", reason: "still_changing" });
    writeFileSync(target, full);
    const later = await poll(agg);
    expect(later.files.map((f) => [f.name, f.status])).to.deep.equal([["growing.ach", "posted"]]);
  });

  it("holds back a file modified less than minAgeSeconds ago", async () => {
    const agg = sftpAggregator(world, { minAgeSeconds: 600 });
    dropFile(first, world.inbound, "fresh.ach", 0);
    const report = await poll(agg);
    expect(report.files).to.deep.equal([]);
    expect(report.skipped).to.deep.include({ name: "fresh.ach", reason: "too_young" });
  });

  it("waits for the done-file when one is required, then archives the file and its done-file", async () => {
    const agg = sftpAggregator(world, { doneSuffix: ".done" });
    const name = path.basename(first);
    dropFile(first, world.inbound);
    const waiting = await poll(agg);
    expect(waiting.files).to.deep.equal([]);
    expect(waiting.skipped).to.deep.include({ name, reason: "no_done_file" });
    writeFileSync(path.join(world.inbound, `${name}.done`), "");
    const taken = await poll(agg);
    expect(taken.files.map((f) => f.status)).to.deep.equal(["posted"]);
    expect(names(path.join(world.inbound, "archive"))).to.deep.equal([name, `${name}.done`]);
  });

  it("leaves files on a read-only dropbox (archiveDir: leave) and never takes them again", async () => {
    const agg = sftpAggregator(world, { archiveDir: "leave", errorDir: undefined });
    dropFile(first, world.inbound);
    const report = await poll(agg);
    expect(report.files.map((f) => [f.status, f.movedTo])).to.deep.equal([["posted", null]]);
    const before = await counts(t, agg.id);
    const again = await poll(agg);
    expect(again.files).to.deep.equal([]);
    expect(again.known).to.equal(1);
    expect(names(world.inbound)).to.deep.equal([path.basename(first)]);
    expect(await counts(t, agg.id)).to.deep.equal(before);
  });

  it("quarantines a file over maxFileBytes without reading it and moves it to the error folder", async () => {
    const agg = sftpAggregator(world, { maxFileBytes: 100 });
    dropFile(first, world.inbound, "huge.ach");
    const report = await poll(agg);
    expect(report.files.map((f) => [f.status, f.errors[0]?.code])).to.deep.equal([["quarantined", "file_too_large"]]);
    expect(names(path.join(world.inbound, "error"))).to.deep.equal(["huge.ach"]);
    expect(await counts(t, agg.id)).to.deep.equal({ files: 1, payments: 0, statuses: ["quarantined"] });
  });

  it("quarantines a structurally broken file and moves it to the error folder", async () => {
    const agg = sftpAggregator(world);
    truncatedCopy(first, world.inbound, "broken.ach");
    const report = await poll(agg);
    expect(report.files.map((f) => f.status)).to.deep.equal(["quarantined"]);
    expect(report.files[0].errors).to.have.length.greaterThan(0);
    expect(names(path.join(world.inbound, "error"))).to.deep.equal(["broken.ach"]);
    expect((await counts(t, agg.id)).payments).to.equal(0);
  });

  it("reports a file deleted between the listing and the download as vanished and goes on", async () => {
    const agg = sftpAggregator(world);
    dropFile(first, world.inbound, "a.ach");
    dropFile(second, world.inbound, "b.ach");
    const report = await poll(agg, { hooks: { afterSelect: () => rmSync(path.join(world.inbound, "a.ach")) } });
    expect(report.files.map((f) => [f.name, f.status])).to.deep.equal([
      ["a.ach", "vanished"],
      ["b.ach", "posted"],
    ]);
    expect((await counts(t, agg.id)).files).to.equal(1);
    expect((await poll(agg)).files).to.deep.equal([]);
  });

  it("after a crash between the commit and the remote move, the next poll moves the file and posts nothing twice", async () => {
    const agg = sftpAggregator(world);
    dropFile(first, world.inbound);
    const crashed = await poll(agg, {
      hooks: {
        beforeMove: () => {
          throw new Error("simulated crash after commit");
        },
      },
    });
    // The file is still there, so this is an error, not another instance's move.
    expect(crashed.ok).to.equal(false);
    expect(crashed.files[0].moveError).to.match(/simulated crash/);
    expect(crashed.files[0].message).to.equal(undefined);
    expect(names(world.inbound)).to.deep.equal([path.basename(first)]);
    const posted = await counts(t, agg.id);
    expect((await ledger(t, agg.id)).map((r) => r.moved)).to.deep.equal([false]);

    const next = await poll(agg);
    expect(next.ok).to.equal(true);
    expect(next.files.map((f) => [f.status, f.recovered])).to.deep.equal([["posted", true]]);
    expect(names(path.join(world.inbound, "archive"))).to.deep.equal([path.basename(first)]);
    expect(await counts(t, agg.id)).to.deep.equal(posted);
    expect((await ledger(t, agg.id)).map((r) => r.moved)).to.deep.equal([true]);
  });

  it("a file another instance moved between this poll's commit and its move is no error, and is not looked for again", async () => {
    const agg = sftpAggregator(world);
    dropFile(first, world.inbound, "taken.ach");
    const otherArchive = path.join(world.inbound, "other-archive");
    mkdirSync(otherArchive);
    // The other instance's move, as this one is about to move the file itself.
    const report = await poll(agg, {
      hooks: {
        beforeMove: () => renameSync(path.join(world.inbound, "taken.ach"), path.join(otherArchive, "taken.ach")),
      },
    });
    expect(report.ok, String(report.error)).to.equal(true);
    expect(report.files.map((f) => [f.status, f.moveError, f.message])).to.deep.equal([
      ["posted", undefined, "already moved by another instance"],
    ]);
    expect((await ledger(t, agg.id)).map((r) => r.moved)).to.deep.equal([true]);
    expect((await poll(agg)).files).to.deep.equal([]);
  });

  it("after a crash between the commit and the source ledger write, the next poll finds a duplicate and archives it", async () => {
    const agg = sftpAggregator(world);
    const local = dropFile(first, world.inbound);
    // The pipeline committed this content, then the process died before the source ledger row.
    await ingestFile(t.db, { aggregator: agg.id, path: local, mapping: agg.mapping });
    const posted = await counts(t, agg.id);
    const next = await poll(agg);
    expect(next.files.map((f) => f.status)).to.deep.equal(["duplicate"]);
    expect(names(path.join(world.inbound, "archive"))).to.deep.equal([path.basename(first)]);
    expect(await counts(t, agg.id)).to.deep.equal(posted);
  });

  it("never overwrites an archived file of the same name", async () => {
    const agg = sftpAggregator(world);
    dropFile(first, world.inbound, "daily.ach");
    await poll(agg);
    dropFile(second, world.inbound, "daily.ach");
    const report = await poll(agg);
    expect(report.files[0].status).to.equal("posted");
    expect(report.files[0].movedTo).to.match(/archive\/daily\.\d{8}T\d{6}Z-[0-9a-f]{8}\.ach$/);
    const archived = names(path.join(world.inbound, "archive"));
    expect(archived).to.have.length(2);
    expect(readFileSync(path.join(world.inbound, "archive", "daily.ach"))).to.deep.equal(readFileSync(first));
  });
}

describe("SFTP ingestion through the in-process ssh2 server", function () {
  this.timeout(60_000);
  scenarios("ssh2");

  describe("faults only a scripted server can produce", () => {
    let t: TestDatabase;
    let world: SftpWorld;
    const [first, second] = nachaSamples();
    before(async () => {
      t = await freshDatabase();
    });
    after(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      world = await startWorld("ssh2");
    });
    afterEach(async () => {
      await world?.stop();
    });

    it("retries a download whose connection is cut in the middle and posts the file exactly once", async () => {
      const agg = sftpAggregator(world);
      dropFile(first, world.inbound);
      world.demo!.faults.cutMidDownload = 2;
      const report = await pollSource(t.db, agg);
      expect(report.ok, report.error ?? "").to.equal(true);
      expect(world.demo!.faults.cutMidDownload).to.equal(0);
      expect(report.files.map((f) => f.status)).to.deep.equal(["posted"]);
      const db = await counts(t, agg.id);
      expect(db.files).to.equal(1);
      expect(db.payments).to.equal(report.files[0].payments);
      expect(names(path.join(world.inbound, "archive"))).to.deep.equal([path.basename(first)]);
    });

    it("reports a source whose downloads keep failing, leaving its files for the next poll", async () => {
      const agg = sftpAggregator(world, { attempts: 2 });
      dropFile(first, world.inbound);
      world.demo!.faults.cutMidDownload = 10;
      const report = await pollSource(t.db, agg);
      expect(report.ok).to.equal(false);
      expect(report.error).to.match(/No response from server|ECONNRESET|closed/i);
      expect(names(world.inbound)).to.deep.equal([path.basename(first)]);
      expect((await counts(t, agg.id)).files).to.equal(0);
    });

    it("archives with a plain rename on a server without posix-rename", async () => {
      const agg = sftpAggregator(world);
      dropFile(first, world.inbound);
      const report = await pollSource(t.db, agg);
      expect(report.files[0].movedTo).to.equal("/inbound/archive/" + path.basename(first));
      expect(names(path.join(world.inbound, "archive"))).to.deep.equal([path.basename(first)]);
    });

    it("refuses listed names with ../, a separator or an absolute path, and takes the rest", async () => {
      const agg = sftpAggregator(world);
      world.demo!.faults.hostileNames = ["../../etc/passwd.ach", "/etc/shadow.ach", "..\\windows.ach", ".."];
      dropFile(first, world.inbound, "fine.ach");
      // The inbound folder is /inbound; make the server list the hostile names there too.
      const rootAgg = sftpAggregator(world, { remoteDir: "/", archiveDir: "/archive", errorDir: "/error" });
      const report = await pollSource(t.db, rootAgg);
      expect(report.skipped.filter((s) => s.reason === "unsafe_name").map((s) => s.name)).to.have.members([
        "../../etc/passwd.ach",
        "/etc/shadow.ach",
        "..\\windows.ach",
      ]);
      expect(report.files).to.deep.equal([]);
      const inbound = await pollSource(t.db, agg);
      expect(inbound.files.map((f) => [f.name, f.status])).to.deep.equal([["fine.ach", "posted"]]);
    });

    it("keeps polling the other sources when one is unreachable", async () => {
      const good = sftpAggregator(world);
      dropFile(second, world.inbound);
      const doc = {
        aggregators: {
          [`down-${process.pid}`]: {
            mapping: good.mapping.file,
            source: {
              ...world.source,
              port: 1,
              remoteDir: "/inbound",
              archiveDir: "leave",
              attempts: 2,
              timeoutSeconds: 5,
            },
          },
          [good.id]: { mapping: good.mapping.file, source: { ...good.source } },
        },
      };
      const config = parseConfig(doc, path.join(world.inbound, "..", "two.yaml"));
      const reports = await pollAll(t.db, config);
      expect(reports.map((r) => r.ok)).to.deep.equal([false, true]);
      expect(reports[0].error).to.match(/ECONNREFUSED|refused/i);
      expect(reports[1].files.map((f) => f.status)).to.deep.equal(["posted"]);
    });
  });
});

describe("SFTP ingestion through a real OpenSSH sshd", function () {
  this.timeout(60_000);
  const reason = opensshUnavailable();
  if (reason) {
    it(`is skipped: ${reason}`, function () {
      this.skip();
    });
    return;
  }
  scenarios("openssh");
});
