import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Sql } from "../../src/store/sql";
import { childEnv, freshDatabase, type TestDatabase } from "../support/database";
import type { SftpWorld } from "../support/sftp-world";
import {
  killAll,
  spawnServe,
  startSftp,
  until,
  writeServeConfig,
  writeTestRppsFile,
  type LogLine,
  type RppsFile,
  type ServeProcess,
} from "./harness";

/**
 * Several `serve` processes on one PostgreSQL and one SFTP server (issue 7). PostgreSQL only: the
 * embedded database is one process's by design.
 */
const skipReason = process.env.DATABASE_URL
  ? null
  : "needs PostgreSQL: set DATABASE_URL (CI runs the suite once with it)";

(skipReason ? describe.skip : describe)(
  `billpay serve scaled out on PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  function () {
    this.timeout(240_000);
    let t: TestDatabase;
    let world: SftpWorld | null = null;
    let dir: string;
    const fast = ["--concurrency", "2", "--job-polling", "0.5", "--retry-delay", "1"];

    before(async () => {
      t = await freshDatabase();
      dir = mkdtempSync(path.join(tmpdir(), "billpay-serve-scale-"));
    });
    afterEach(async () => {
      await killAll();
      await world?.stop();
      world = null;
      await t.db.query(
        `TRUNCATE match_decisions, payments, bank_entries, source_objects, remittance_files, source_polls CASCADE`,
      );
      await t.db.query(`DROP SCHEMA IF EXISTS pgboss CASCADE`);
    });
    after(async () => {
      await killAll();
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function postedCount(): Promise<number> {
      const rows = (await t.db.query(`SELECT count(*)::int AS n FROM remittance_files WHERE status = 'posted'`)) as {
        n: number;
      }[];
      return rows[0].n;
    }

    /** Every file posted exactly once, its payments all there, the money equal to the files' totals. */
    async function expectExactlyOnce(files: RppsFile[]): Promise<void> {
      const rows = (await t.db.query(
        `SELECT name, status, payment_count, total_cents::text AS total FROM remittance_files ORDER BY name`,
      )) as { name: string; status: string; payment_count: number; total: string }[];
      expect(rows.map((r) => [r.name, r.status])).to.deep.equal(files.map((f) => [f.name, "posted"]).sort());
      const [money] = (await t.db.query(
        `SELECT count(*)::int AS n, coalesce(sum(amount_cents), 0)::text AS cents, count(*) FILTER (WHERE status <> 'active')::int AS dup FROM payments`,
      )) as { n: number; cents: string; dup: number }[];
      expect(money.n).to.equal(files.reduce((n, f) => n + f.entries, 0));
      expect(money.dup).to.equal(0);
      expect(Number(money.cents)).to.equal(files.reduce((n, f) => n + f.totalCents, 0));
      for (const r of rows) expect(Number(r.total)).to.equal(files.find((f) => f.name === r.name)?.totalCents);
      const left = readdirSync(world!.inbound).filter((n) => n.endsWith(".ach"));
      expect(left, "files left in the inbound folder").to.deep.equal([]);
      const archived = existsSync(path.join(world!.inbound, "archive"))
        ? readdirSync(path.join(world!.inbound, "archive")).sort()
        : [];
      expect(archived).to.deep.equal(files.map((f) => f.name).sort());
    }

    /** Moves follow the commits: wait until the inbound folder holds no remittance file. */
    async function movedOut(): Promise<void> {
      await until("every file moved out of the inbound folder", 30_000, async () =>
        readdirSync(world!.inbound).every((n) => !n.endsWith(".ach")),
      );
    }

    /** Other sessions' locks on payments: all of them, or only those still waiting. */
    async function locksOnPayments(waiting: boolean, on: Sql = t.db) {
      const [row] = (await on.query(
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE relation = 'payments'::regclass AND pid <> pg_backend_pid() ${waiting ? "AND NOT granted" : ""}`,
      )) as { n: number }[];
      return row.n;
    }

    function takenBy(instances: ServeProcess[], name: string): ServeProcess | undefined {
      return instances.find((p) => p.lines.some((l) => l.message === "taking file" && l.file === name));
    }

    it("three instances post 50 files exactly once, and when one is killed with -9 mid-file another finishes its file", async () => {
      world = await startSftp();
      // File 0 is large (several seconds to post even on an idle machine) and first in line, so an
      // instance is surely inside it when it is killed.
      const files: RppsFile[] = [await writeTestRppsFile(world.inbound, 0, 60000)];
      for (let i = 1; i < 50; i++) files.push(await writeTestRppsFile(world.inbound, i, 3 + (i % 13)));
      const config = writeServeConfig(dir, world);
      const instances = ["a", "b", "c"].map((n) => spawnServe(`serve-${n}`, config, childEnv(t), fast));
      await Promise.all(instances.map((p) => p.url));

      const big = files[0].name;
      const victim = await until("an instance to take the large file", 30_000, async () => takenBy(instances, big));
      await sleep(300);
      const [mid] = (await t.db.query(
        `SELECT count(*)::int AS n FROM remittance_files WHERE name = $1 AND status = 'posted'`,
        [big],
      )) as { n: number }[];
      expect(mid.n, "the large file was still being posted when the instance was killed").to.equal(0);
      victim.child.kill("SIGKILL");
      await victim.exited;

      await until("all 50 files posted", 150_000, async () => (await postedCount()) === files.length);
      await movedOut();
      await expectExactlyOnce(files);
      const survivors = instances.filter((p) => p !== victim);
      const finisher = survivors.find((p) =>
        p.lines.some((l) => l.message === "file done" && l.file === big && l.status === "posted"),
      );
      expect(finisher, "a surviving instance posted the large file").to.not.equal(undefined);
      // The work was shared: every instance took files.
      for (const p of instances)
        expect(
          p.lines.some((l) => l.message === "taking file"),
          `${p.name} took work`,
        ).to.equal(true);
    });

    it("SIGTERM mid-file exits 0 with nothing half-posted, and another instance posts the file once", async () => {
      world = await startSftp();
      const files = [await writeTestRppsFile(world.inbound, 0, 20000)];
      const config = writeServeConfig(dir, world);
      // Another session's lock on payments holds the post inside its transaction, however fast the
      // machine, so the 1 s grace surely ends mid-file.
      const holder = t.db.createQueryRunner();
      await holder.connect();
      try {
        await holder.startTransaction();
        await holder.query(`LOCK TABLE payments IN SHARE MODE`);
        const first = spawnServe("serve-term", config, childEnv(t), [...fast, "--grace", "1"]);
        await first.waitFor((l) => l.message === "taking file", 30_000, "the file taken");
        await until("the post to wait on the lock", 30_000, async () => (await locksOnPayments(true, holder)) > 0);
        first.child.kill("SIGTERM");
        const code = await Promise.race([first.exited, sleep(20_000).then(() => "still running")]);
        expect(code).to.equal(0);
        const stopped = first.lines.find((l) => l.message === "stopped");
        expect(stopped?.abandoned, "the file outlived the 1 s grace and was abandoned").to.equal(true);
      } finally {
        await holder.commitTransaction();
        await holder.release();
      }
      // The abandoned connection's backend ends its transaction once the lock lets it go on.
      await until("the abandoned post to end", 30_000, async () => (await locksOnPayments(false)) === 0);
      const [half] = (await t.db.query(`SELECT count(*)::int AS n FROM payments`)) as { n: number }[];
      expect(half.n, "the abandoned file's transaction was rolled back").to.equal(0);
      const ledger = (await t.db.query(`SELECT status FROM remittance_files`)) as { status: string }[];
      expect(ledger.filter((r) => r.status === "posted")).to.deep.equal([]);

      const second = spawnServe("serve-after", config, childEnv(t), fast);
      await until("the file posted by the next instance", 50_000, async () => (await postedCount()) === 1);
      await movedOut();
      await expectExactlyOnce(files);
      expect(second.lines.some((l) => l.message === "file done" && l.status === "posted")).to.equal(true);
    });

    it("a schedule tick while the previous poll still runs does not start a second poll", async () => {
      world = await startSftp();
      // Ticks every second, each poll takes over 2.5 s (the settle pause between its two listings).
      const config = writeServeConfig(dir, world, { schedule: "* * * * * *", settleMs: 2500 });
      // From before the spawn: an instance may tick before it reports its address.
      const started = Date.now();
      const instances = ["x", "y"].map((n) => spawnServe(`serve-${n}`, config, childEnv(t), fast));
      await Promise.all(instances.map((p) => p.url));
      const all = (): LogLine[] => instances.flatMap((p) => p.lines);
      await until(
        "three finished polls",
        30_000,
        async () => all().filter((l) => l.message === "poll finished").length >= 3,
      );
      const seconds = (Date.now() - started) / 1000;
      await killAll();

      const intervals = all()
        .filter((l) => l.message === "poll started")
        .map((s) => {
          const end = all().find(
            (l) => l.message === "poll finished" && l.tick === s.tick && l.instance === s.instance,
          );
          return {
            tick: String(s.tick),
            from: Date.parse(String(s.timestamp)),
            to: end ? Date.parse(String(end.timestamp)) : Infinity,
          };
        })
        .sort((a, b) => a.from - b.from);
      for (let i = 1; i < intervals.length; i++) {
        expect(
          intervals[i].from,
          `poll of tick ${intervals[i].tick} started before the poll of tick ${intervals[i - 1].tick} finished`,
        ).to.be.at.least(intervals[i - 1].to);
      }
      const skipped = all().filter((l) => String(l.message).startsWith("poll skipped"));
      expect(skipped.length, "ticks during a poll were skipped").to.be.greaterThan(0);
      // About one tick a second, but no more polls than 2.5 s slots.
      expect(intervals.length).to.be.at.most(Math.ceil(seconds / 2.5) + 1);
      // One poll job per tick however many instances fired it.
      const ticks = intervals.map((i) => i.tick);
      expect(new Set(ticks).size).to.equal(ticks.length);
    });
  },
);
