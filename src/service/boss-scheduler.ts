import { createHash } from "node:crypto";
import type { Cron } from "croner";
import PgBoss from "pg-boss";
import type { DataSource } from "typeorm";
import type { AggregatorConfig, BillpayConfig } from "../config/config-file";
import { log } from "../log";
import type { SourceFolder } from "../sources/folder";
import type { PolledFile } from "../sources/poll";
import { openFolder } from "../sources/poll-sources";
import { heldLocks, tryAdvisoryLock, withAdvisoryLock } from "./advisory-lock";
import { discoverFiles, type Candidate } from "./discover";
import { waitAtMost } from "./embedded-scheduler";
import { timedFiles, type ServiceMetrics } from "./metrics";
import { recordPollOutcome, recordPollStart } from "./poll-status";
import type { Family } from "./prometheus";
import { startSchedules } from "./schedule";
import type { Scheduler } from "./scheduler";
import { DEFAULT_BOSS_SETTINGS, type BossSettings } from "./service-settings";
import { takeFile } from "./take-file";
import { sendScheduledReturns } from "../returns/scheduled";

/**
 * `serve` on PostgreSQL: any number of instances share the work through pg-boss queues in the same
 * database.
 * - Every instance runs the cron schedules; a tick sends one poll job whose id is derived from
 *   (aggregator, scheduled instant), so N instances firing the same tick insert one job.
 * - A poll job lists the source and sends one job per ready file, keyed (singletonKey) by
 *   aggregator + remote path; the queue's `short` policy keeps one waiting job per key.
 * - Whoever works a poll or a file holds a PostgreSQL advisory lock on it for the duration, on its
 *   own connection: a second poll of the same source (a tick while the previous poll still runs)
 *   or a second job for the same file finds the lock taken and ends at once. The lock dies with
 *   the connection, so the work of an instance killed with -9 is free to take on the next poll.
 * - A file job that fails is retried with exponential backoff, then parked in the dead-letter
 *   queue, where the polls leave it alone until an operator retries or deletes it.
 */

export const BOSS_SCHEMA = "pgboss";
export const POLL_QUEUE = "billpay-poll";
export const FILE_QUEUE = "billpay-file";
export const DEAD_FILE_QUEUE = "billpay-file-dead";

interface PollJob {
  aggregator: string;
  tick: string;
}

export interface FileJob extends Candidate {
  aggregator: string;
  key: string;
}

/** A job id that names one tick of one source: the same on every instance. */
export function tickJobId(aggregator: string, at: Date): string {
  const h = createHash("sha256").update(`billpay-poll\u0000${aggregator}\u0000${at.toISOString()}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function fileKey(aggregator: string, remotePath: string): string {
  return `${aggregator}:${remotePath}`;
}

export class BossScheduler implements Scheduler {
  readonly mode = "postgres" as const;
  private boss: PgBoss | null = null;
  private crons: Cron[] = [];
  private readonly aggregators: Map<string, AggregatorConfig>;
  private readonly settings: BossSettings;
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly db: DataSource,
    config: BillpayConfig,
    private readonly metrics: ServiceMetrics,
    settings: Partial<BossSettings> & { url: string },
  ) {
    this.aggregators = new Map(config.aggregators.map((a) => [a.id, a]));
    this.settings = { ...DEFAULT_BOSS_SETTINGS, ...settings };
  }

  private get instance(): string {
    return this.metrics.instance;
  }

  async start(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.settings.url,
      schema: BOSS_SCHEMA,
      application_name: `billpay serve ${this.instance}`,
      max: this.settings.concurrency + 3,
      // The schedules are ours (croner, to the second, America/New_York); pg-boss's are per minute.
      schedule: false,
    });
    boss.on("error", (error) => log.warn("job queue error", { instance: this.instance, error: error.message }));
    // Instances starting together on a fresh database would race creating pg-boss's schema and
    // queue partitions (PostgreSQL reports a deadlock): they take turns.
    await withAdvisoryLock(this.db, "setup", "pg-boss", async () => {
      await boss.start();
      const retry = {
        retryLimit: this.settings.retryLimit,
        retryDelay: this.settings.retryDelaySeconds,
        retryBackoff: true,
      };
      await ensureQueue(boss, DEAD_FILE_QUEUE, {
        name: DEAD_FILE_QUEUE,
        policy: "standard",
        retentionMinutes: 30 * 24 * 60,
      });
      // A failed poll is not retried: the next tick is the retry.
      await ensureQueue(boss, POLL_QUEUE, { name: POLL_QUEUE, policy: "short", retryLimit: 0, expireInSeconds: 3600 });
      await ensureQueue(boss, FILE_QUEUE, {
        name: FILE_QUEUE,
        policy: "short",
        ...retry,
        expireInSeconds: this.settings.fileTimeoutSeconds,
        deadLetter: DEAD_FILE_QUEUE,
      });
    });
    this.boss = boss;

    const polling = { pollingIntervalSeconds: this.settings.pollingIntervalSeconds, batchSize: 1 };
    await boss.work<PollJob>(POLL_QUEUE, polling, ([job]) => this.track(this.runPoll(job.data)));
    for (let i = 0; i < this.settings.concurrency; i++) {
      await boss.work<FileJob>(FILE_QUEUE, polling, ([job]) => this.track(this.runFile(job.data)));
    }
    this.crons = startSchedules([...this.aggregators.values()], (agg, at) => this.tick(agg, at));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  async tick(agg: AggregatorConfig, at: Date): Promise<void> {
    if (this.stopping || !this.boss) return;
    const id = await this.boss.send(POLL_QUEUE, { aggregator: agg.id, tick: at.toISOString() } satisfies PollJob, {
      id: tickJobId(agg.id, at),
      singletonKey: agg.id,
    });
    if (id) log.debug("poll job sent", { aggregator: agg.id, tick: at.toISOString(), instance: this.instance });
  }

  /** One poll of one source: list, select, send one job per file that needs work. */
  async runPoll(job: PollJob): Promise<Record<string, unknown>> {
    if (this.stopping) return { skipped: "instance stopping" };
    const agg = this.aggregators.get(job.aggregator);
    if (!agg) {
      log.warn("poll job for an aggregator this instance's config does not have", {
        aggregator: job.aggregator,
        instance: this.instance,
      });
      return { skipped: "unknown aggregator" };
    }
    const lock = await tryAdvisoryLock(this.db, "poll", agg.id);
    if (!lock) {
      log.info("poll skipped: the previous poll of this source is still running", {
        aggregator: agg.id,
        tick: job.tick,
        instance: this.instance,
      });
      this.metrics.countJob("poll", "skipped");
      return { skipped: "previous poll still running" };
    }
    try {
      return await this.pollHoldingLock(agg, job);
    } finally {
      await lock.release();
    }
  }

  /**
   * Under the source's lock. A failed listing is recorded as the poll's outcome, not thrown: poll
   * jobs are not retried, the next tick is the retry.
   */
  private async pollHoldingLock(agg: AggregatorConfig, job: PollJob): Promise<Record<string, unknown>> {
    const started = performance.now();
    let folder: SourceFolder | null = null;
    try {
      log.info("poll started", { aggregator: agg.id, tick: job.tick, instance: this.instance });
      await recordPollStart(this.db, agg.id, this.instance);
      let found = 0;
      let queued = 0;
      let error: string | null = null;
      try {
        folder = await openFolder(agg);
        const discovery = await discoverFiles(this.db, agg, folder);
        found = discovery.candidates.length + discovery.known + discovery.deferred;
        queued = await this.sendFileJobs(agg, discovery.candidates);
      } catch (e) {
        error = (e as Error).message;
        log.error("poll failed", { aggregator: agg.id, instance: this.instance, error });
      }
      await sendScheduledReturns(this.db, agg);
      return await this.finishPoll(agg, job, started, { found, queued, error });
    } finally {
      await folder?.close().catch(() => undefined);
    }
  }

  private async finishPoll(
    agg: AggregatorConfig,
    job: PollJob,
    started: number,
    { found, queued, error }: { found: number; queued: number; error: string | null },
  ): Promise<Record<string, unknown>> {
    const seconds = (performance.now() - started) / 1000;
    this.metrics.pollDuration.observe({ aggregator: agg.id }, seconds);
    this.metrics.countJob("poll", error ? "failed" : "ok");
    await recordPollOutcome(this.db, agg.id, this.instance, {
      ok: !error,
      error,
      durationMs: seconds * 1000,
      found,
      queued,
    });
    log.info("poll finished", {
      aggregator: agg.id,
      tick: job.tick,
      instance: this.instance,
      ok: !error,
      found,
      queued,
      seconds,
    });
    return { ok: !error, error, found, queued };
  }

  /**
   * Sends a job for each candidate unless one is already waiting (created or in retry backoff),
   * parked in the dead-letter queue, or being worked by a live worker. An active job whose worker
   * holds no lock belongs to a dead instance: the file gets a new job now, not after the lease.
   */
  private async sendFileJobs(agg: AggregatorConfig, candidates: Candidate[]): Promise<number> {
    if (!candidates.length || !this.boss) return 0;
    const keys = candidates.map((c) => fileKey(agg.id, c.remotePath));
    const rows = (await this.db.query(
      `SELECT singleton_key AS key, state::text AS state FROM ${BOSS_SCHEMA}.job
        WHERE name = $1 AND state IN ('created', 'retry', 'active') AND singleton_key = ANY($2)
       UNION ALL
       SELECT data->>'key', 'dead' FROM ${BOSS_SCHEMA}.job
        WHERE name = $3 AND state IN ('created', 'retry', 'active') AND data->>'key' = ANY($2)`,
      [FILE_QUEUE, keys, DEAD_FILE_QUEUE],
    )) as { key: string; state: string }[];
    const active = rows.filter((r) => r.state === "active").map((r) => r.key);
    const working = await heldLocks(this.db, "file", active);
    const busy = new Set(rows.filter((r) => r.state !== "active" || working.has(r.key)).map((r) => r.key));
    const parked = rows.filter((r) => r.state === "dead").length;
    if (parked) log.warn("files parked in the dead-letter queue are left alone", { aggregator: agg.id, files: parked });
    let sent = 0;
    for (const c of candidates) {
      const key = fileKey(agg.id, c.remotePath);
      if (busy.has(key)) continue;
      const id = await this.boss.send(FILE_QUEUE, { ...c, aggregator: agg.id, key } satisfies FileJob, {
        singletonKey: key,
      });
      if (id) sent++;
    }
    return sent;
  }

  /** One file: download, ingest in one transaction, record, move. */
  async runFile(job: FileJob): Promise<Record<string, unknown>> {
    // Fetched while shutting down: fail it so it goes back to the queue for another instance.
    if (this.stopping) throw new Error("instance stopping; the file is left for another instance");
    const agg = this.aggregators.get(job.aggregator);
    if (!agg) throw new Error(`no aggregator ${job.aggregator} in this instance's config`);
    const lock = await tryAdvisoryLock(this.db, "file", job.key);
    if (!lock) {
      this.metrics.countJob("file", "busy");
      log.info("file skipped: another worker is taking it", {
        aggregator: agg.id,
        file: job.name,
        instance: this.instance,
      });
      return { skipped: "another worker is taking it" };
    }
    try {
      return await this.takeHoldingLock(agg, job);
    } finally {
      await lock.release();
    }
  }

  /** Under the file's lock. A failure is rethrown so that pg-boss retries the job with backoff. */
  private async takeHoldingLock(agg: AggregatorConfig, job: FileJob): Promise<Record<string, unknown>> {
    let folder: SourceFolder | null = null;
    try {
      log.info("taking file", { aggregator: agg.id, file: job.name, instance: this.instance, moveOnly: job.moveOnly });
      folder = await openFolder(agg);
      const timing = timedFiles(this.metrics, agg.id);
      const outcome = await takeFile(this.db, agg, folder, job.name, timing);
      if (outcome.kind === "taken") {
        timing.onFile(outcome.file);
        return this.fileDone(agg, job, outcome.file);
      }
      this.metrics.countJob("file", outcome.kind);
      log.info("file needed nothing", {
        aggregator: agg.id,
        file: job.name,
        instance: this.instance,
        outcome: outcome.kind,
        reason: "reason" in outcome ? outcome.reason : undefined,
      });
      return { ...outcome };
    } catch (error) {
      this.metrics.countJob("file", "retry");
      log.warn("file job failed; it will be retried", {
        aggregator: agg.id,
        file: job.name,
        instance: this.instance,
        error: (error as Error).message,
      });
      throw error;
    } finally {
      await folder?.close().catch(() => undefined);
    }
  }

  private fileDone(agg: AggregatorConfig, job: FileJob, f: PolledFile): Record<string, unknown> {
    this.metrics.countJob("file", f.status);
    log.info("file done", {
      aggregator: agg.id,
      file: job.name,
      instance: this.instance,
      status: f.status,
      fileId: f.fileId,
      payments: f.payments,
      totalCents: f.totalCents,
      movedTo: f.movedTo,
    });
    return {
      status: f.status,
      fileId: f.fileId,
      payments: f.payments,
      totalCents: f.totalCents,
      movedTo: f.movedTo,
    };
  }

  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    for (const c of this.crons) c.stop();
    const boss = this.boss;
    if (!boss) return true;
    // Stop fetching and wait for the jobs in hand; past the grace time pg-boss fails them (they
    // are retried) and the caller exits, which rolls back a posting still in its transaction.
    await waitAtMost(
      boss.stop({ graceful: true, wait: true, timeout: Math.max(graceMs, 1000), close: true }),
      graceMs + 5000,
    );
    return this.inFlight.size === 0;
  }

  async families(): Promise<Family[]> {
    const rows = (await this.db.query(
      `SELECT name, state::text AS state, count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`,
      [[POLL_QUEUE, FILE_QUEUE, DEAD_FILE_QUEUE]],
    )) as { name: string; state: string; n: number }[];
    return [
      {
        name: "billpay_queue_jobs",
        help: "Jobs in the pg-boss queues by queue and state (dead-letter jobs wait for an operator).",
        type: "gauge",
        samples: rows.map((r) => ({ labels: { queue: r.name, state: r.state }, value: r.n })),
      },
    ];
  }
}

/** Creates the queue if missing (safe when instances start together) and applies our settings. */
async function ensureQueue(boss: PgBoss, name: string, options: PgBoss.Queue): Promise<void> {
  await boss.createQueue(name, options);
  const { policy: _policy, ...settings } = options;
  await boss.updateQueue(name, settings);
}
