import type { Cron } from "croner";
import type { DataSource } from "typeorm";
import type { AggregatorConfig, BillpayConfig } from "../config/config-file";
import { log } from "../log";
import { pollSource } from "../sources/poll-sources";
import type { PolledFile } from "../sources/poll";
import { timedFiles, type ServiceMetrics } from "./metrics";
import { recordPollOutcome, recordPollStart } from "./poll-status";
import { startSchedules } from "./schedule";
import { sendScheduledReturns } from "../returns/scheduled";
import type { Scheduler } from "./scheduler";

class StopRequested extends Error {
  constructor() {
    super("stopping for shutdown after this file");
    this.name = "StopRequested";
  }
}

/**
 * The embedded database has one session in one process, so `serve` is a single instance: each
 * source is polled in-process on its schedule, one poll at a time per source, files one by one
 * (the same poll `billpay ingest` runs).
 */
export class EmbeddedScheduler implements Scheduler {
  readonly mode = "embedded" as const;
  private crons: Cron[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly db: DataSource,
    private readonly config: BillpayConfig,
    private readonly metrics: ServiceMetrics,
  ) {}

  async start(): Promise<void> {
    this.crons = startSchedules(this.config.aggregators, (agg) => this.tick(agg));
  }

  /** A tick while the source's previous poll still runs is skipped, not queued. */
  tick(agg: AggregatorConfig): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const previous = this.running.get(agg.id);
    if (previous) {
      log.info("poll skipped: the previous poll of this source is still running", {
        aggregator: agg.id,
        instance: this.metrics.instance,
      });
      this.metrics.countJob("poll", "skipped");
      return previous;
    }
    const run = this.poll(agg).finally(() => this.running.delete(agg.id));
    this.running.set(agg.id, run);
    return run;
  }

  private async poll(agg: AggregatorConfig): Promise<void> {
    const instance = this.metrics.instance;
    const started = performance.now();
    log.info("poll started", { aggregator: agg.id, instance });
    await recordPollStart(this.db, agg.id, instance);
    const timing = timedFiles(this.metrics, agg.id);
    const report = await pollSource(this.db, agg, {
      onProgress: timing.onProgress,
      onFile: (file: PolledFile) => {
        timing.onFile(file);
        this.metrics.countJob("file", file.status);
        // Thrown after the file is committed and moved: the poll stops between files.
        if (this.stopping) throw new StopRequested();
      },
    });
    const seconds = (performance.now() - started) / 1000;
    this.metrics.pollDuration.observe({ aggregator: agg.id }, seconds);
    if (this.stopping && !report.ok) {
      log.info("poll stopped between files for shutdown", { aggregator: agg.id, files: report.files.length });
      return;
    }
    this.metrics.countJob("poll", report.ok ? "ok" : "failed");
    await sendScheduledReturns(this.db, agg);
    await recordPollOutcome(this.db, agg.id, instance, {
      ok: report.ok,
      error: report.error,
      durationMs: seconds * 1000,
      found: report.files.length + report.deferred + report.known,
      queued: report.files.length,
    });
    log.info("poll finished", {
      aggregator: agg.id,
      instance,
      ok: report.ok,
      error: report.error,
      files: report.files.length,
      seconds,
    });
  }

  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    for (const c of this.crons) c.stop();
    const all = Promise.all([...this.running.values()].map((p) => p.catch(() => undefined)));
    return waitAtMost(all, graceMs);
  }
}

/** True when the work ended within the time, false when the time ran out first. */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
