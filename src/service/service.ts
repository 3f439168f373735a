import { hostname } from "node:os";
import type { DataSource } from "typeorm";
import type { BillpayConfig } from "../config/config-file";
import { log } from "../log";
import { isEmbedded } from "../store/data-source";
import { startAuditHeadLog } from "./audit-head-log";
import { BossScheduler } from "./boss-scheduler";
import type { BossSettings } from "./service-settings";
import { EmbeddedScheduler } from "./embedded-scheduler";
import { startHttp, type HttpOptions, type ServiceState } from "./http-server";
import { ServiceMetrics } from "./metrics";
import type { Scheduler } from "./scheduler";

export interface ServiceOptions {
  config: BillpayConfig;
  http: HttpOptions;
  /** The PostgreSQL URL the workers share (ignored on the embedded database). */
  databaseUrl?: string;
  boss?: Partial<Omit<BossSettings, "url">>;
  instance?: string;
}

export interface RunningService {
  instance: string;
  mode: "embedded" | "postgres";
  url: string;
  /** Stop taking work, give the current file up to graceMs, close HTTP. True when nothing was abandoned. */
  stop(graceMs: number): Promise<boolean>;
}

/** `billpay console`: the HTTP side without a schedule; /healthz says which database it reads. */
class NoScheduler implements Scheduler {
  constructor(readonly mode: "embedded" | "postgres") {}
  async start(): Promise<void> {}
  async stop(): Promise<boolean> {
    return true;
  }
}

export interface ConsoleServiceOptions {
  http: HttpOptions;
  /** The sources /readyz reports on, when a config is given. */
  config?: Pick<BillpayConfig, "aggregators">;
  instance?: string;
}

/** What the HTTP side reads when no schedule runs. */
export function consoleState(
  db: DataSource,
  instance: string,
  config: Pick<BillpayConfig, "aggregators"> = { aggregators: [] },
): ServiceState {
  const mode = isEmbedded(db) ? "embedded" : "postgres";
  return {
    db,
    config,
    metrics: new ServiceMetrics(instance, mode),
    scheduler: new NoScheduler(mode),
    stopping: () => false,
  };
}

/** The console and the API (and health, readiness, metrics) with no polling or workers. */
export async function startConsoleService(db: DataSource, options: ConsoleServiceOptions): Promise<RunningService> {
  const instance = options.instance ?? defaultInstanceName();
  const state = consoleState(db, instance, options.config);
  const mode = state.scheduler.mode;
  const http = await startHttp(state, options.http);
  log.info("serving the console and API (no schedule)", { instance, url: http.url });
  return {
    instance,
    mode,
    url: http.url,
    async stop() {
      await http.close();
      return true;
    },
  };
}

export function defaultInstanceName(): string {
  return process.env.BILLPAY_INSTANCE ?? `${hostname()}-${process.pid}`;
}

export async function startService(db: DataSource, options: ServiceOptions): Promise<RunningService> {
  const instance = options.instance ?? defaultInstanceName();
  const embedded = isEmbedded(db);
  const metrics = new ServiceMetrics(instance, embedded ? "embedded" : "postgres");
  let scheduler: Scheduler;
  if (embedded) {
    scheduler = new EmbeddedScheduler(db, options.config, metrics);
  } else {
    if (!options.databaseUrl) throw new Error("the PostgreSQL URL is needed for the job queue");
    scheduler = new BossScheduler(db, options.config, metrics, { ...options.boss, url: options.databaseUrl });
  }
  let stopping = false;
  const http = await startHttp(
    { db, config: options.config, metrics, scheduler, stopping: () => stopping },
    options.http,
  );
  await scheduler.start();
  const auditHead = startAuditHeadLog(db);
  const scheduled = options.config.aggregators.filter((a) => a.schedule).map((a) => a.id);
  if (embedded) {
    log.info(
      "serving as a single instance: the embedded database runs the schedule in this process (set DATABASE_URL to PostgreSQL to run several)",
      { instance, url: http.url, aggregators: scheduled },
    );
  } else {
    log.info("serving on PostgreSQL with pg-boss: any number of instances share the polls and files", {
      instance,
      url: http.url,
      aggregators: scheduled,
    });
  }
  return {
    instance,
    mode: scheduler.mode,
    url: http.url,
    async stop(graceMs: number) {
      stopping = true;
      auditHead.stop();
      const clean = await scheduler.stop(graceMs);
      await http.close();
      return clean;
    },
  };
}
