import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { stringify } from "yaml";
import { MAPPINGS_DIR } from "../../src/paths";
import { closeDatabase, openDatabase } from "../../src/store/data-source";
import { freshDatabase, type TestDatabase } from "../support/database";
import { localInbound, names } from "../support/drills";
import { fileFound, postedWhole, writeDrillFile, type DrillFile } from "../support/kill-drill";
import { killAll, spawnServe, until, type LogLine, type ServeProcess } from "../service/harness";

/**
 * Drill d: the wall clock of a running `billpay serve` jumps: an hour back, back to the true time
 * (an hour forward), then five seconds back over ticks it has already run. The process runs under
 * libfaketime (Debian's faketime package), whose offset the drill rewrites while it runs; the
 * monotonic clock is left true, as when NTP or an operator steps the wall clock. After each jump a
 * new file must be posted, each exactly once, no two polls of the source may overlap, and on
 * PostgreSQL no scheduled tick may be polled twice.
 */

function libfaketime(): string | null {
  for (const arch of existsSync("/usr/lib") ? readdirSync("/usr/lib") : []) {
    const lib = path.join("/usr/lib", arch, "faketime", "libfaketime.so.1");
    if (existsSync(lib)) return lib;
  }
  return null;
}

const time = (l: LogLine): number => Date.parse(String(l.timestamp));

describe("drill: the clock jumps under a running serve", function () {
  this.timeout(120_000);
  const lib = libfaketime();
  if (!lib) {
    it("is skipped: libfaketime is not installed (apt-get install faketime; CI installs it)", function () {
      this.skip();
    });
    return;
  }
  const folder = localInbound();
  const offsetFile = path.join(folder.root, "faketime-offset");
  const dataDir = mkdtempSync(path.join(tmpdir(), "billpay-drill-clock-"));
  let t: TestDatabase | null = null;
  let serve: ServeProcess;
  const posted: DrillFile[] = [];
  let variant = 30;

  const jump = (offset: string): void => writeFileSync(offsetFile, `${offset}\n`);
  /** Drops a new file and waits until serve has archived it (posted and moved). */
  const postOne = async (what: string): Promise<void> => {
    // Written beside the folder and renamed in, as senders do: never listed half-written.
    const written = await writeDrillFile(folder.root, 500, variant++);
    const file = { ...written, path: path.join(folder.inbound, path.basename(written.path)) };
    renameSync(written.path, file.path);
    await until(`${what}: ${path.basename(file.path)} archived`, 30_000, async () =>
      names(folder.archive).includes(path.basename(file.path)),
    ).catch((error: Error) => {
      throw new Error(`${error.message}; serve said:\n${serve.stderr().slice(-4000)}`);
    });
    posted.push(file);
  };
  const pollsAfter = (from: number, to = Infinity) =>
    serve.lines.filter((l) => l.message === "poll finished" && time(l) >= from && time(l) < to);

  before(async () => {
    jump("+0");
    const config = path.join(folder.root, "billpay.yaml");
    writeFileSync(
      config,
      stringify({
        aggregators: {
          rpps: {
            mapping: path.join(MAPPINGS_DIR, "rpps.yaml"),
            schedule: "* * * * * *",
            source: { ...folder.source, pattern: "*.ach", minAgeSeconds: 0, settleMs: 100 },
          },
        },
      }),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BILLPAY_DATA_DIR: dataDir,
      LD_PRELOAD: lib,
      FAKETIME_TIMESTAMP_FILE: offsetFile,
      // Re-read the offset at most once a second; the monotonic clock (timers) stays true.
      FAKETIME_CACHE_DURATION: "1",
      FAKETIME_DONT_FAKE_MONOTONIC: "1",
    };
    if (process.env.DATABASE_URL) {
      // Migrated here, so that the child starts at once; the database is the child's while it runs.
      t = await freshDatabase();
      env.DATABASE_URL = t.url as string;
    } else delete env.DATABASE_URL;
    // A failed file job is retried after a second, not the default half minute.
    serve = spawnServe("clock-drill", config, env, ["--retry-delay", "1", "--job-polling", "0.5"]);
    await serve.url;
  });
  after(async () => {
    await killAll();
    await t?.close();
    rmSync(folder.root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("posts every file exactly once across the jumps, the schedule going on after each", async () => {
    await serve.waitFor((l) => l.message === "poll finished", 30_000, "a first poll");
    await postOne("true clock");

    const beforeBack = Date.now();
    jump("-1h");
    await serve.waitFor(
      (l) => l.message === "poll finished" && time(l) < beforeBack - 30 * 60_000,
      20_000,
      "a poll an hour back",
    );
    // Dated an hour in serve's future: without an age rule it is taken all the same.
    await postOne("an hour back");

    jump("+0");
    const forward = Date.now();
    await serve.waitFor(
      (l) => l.message === "poll finished" && time(l) >= forward - 1000,
      20_000,
      "a poll after the jump forward",
    );
    await postOne("an hour forward again");

    // Five seconds back: serve's schedule comes to instants it has already ticked.
    const shortBack = Date.now();
    jump("-5");
    await until("the short jump back to take", 10_000, async () =>
      serve.lines.some(
        (l) => time(l) < shortBack - 3000 && time(l) > shortBack - 10_000 && l.message === "poll finished",
      ),
    );
    await postOne("five seconds back");

    expect(pollsAfter(beforeBack - 2 * 3600_000, beforeBack - 30 * 60_000), "polls an hour back").to.not.be.empty;
    // Never two polls of the source at once: each start is followed by its finish before the next start.
    const sequence = serve.lines
      .filter((l) => l.message === "poll started" || l.message === "poll finished")
      .map((l) => l.message);
    for (let i = 1; i < sequence.length; i++) expect(sequence[i], `poll log ${i}`).to.not.equal(sequence[i - 1]);
    // On PostgreSQL a tick is one job, named for its instant: a tick seen again after the jump back is not polled again.
    const ticks = serve.lines.filter((l) => l.message === "poll started" && l.tick).map((l) => String(l.tick));
    expect(ticks.length, "ticks polled twice").to.equal(new Set(ticks).size);

    serve.child.kill("SIGTERM");
    expect(await serve.exited).to.equal(0);
    const db: DataSource = t ? t.db : await openDatabase({ dataDir, url: "" });
    try {
      const total = posted.reduce((n, f) => n + f.entries, 0);
      for (const file of posted) {
        const found = await fileFound(db, file);
        expect(postedWhole(found, file, total - file.entries), path.basename(file.path)).to.equal(true);
      }
    } finally {
      if (!t) await closeDatabase(db);
    }
  });
});
