import type { DataSource } from "typeorm";
import type { BillpayConfig } from "../config/config-file";
import { withTimeout } from "../sources/retry";
import type { ServiceMetrics } from "./metrics";
import { readPollStatus, type PollStatus } from "./poll-status";
import type { Scheduler } from "./scheduler";

/** What the HTTP side reads from the running service, and the /readyz verdict built from it. */

export interface ServiceState {
  db: DataSource;
  /** The sources /readyz reports on (none for `billpay console` without a config). */
  config: Pick<BillpayConfig, "aggregators">;
  metrics: ServiceMetrics;
  scheduler: Scheduler;
  stopping: () => boolean;
}

export interface SourceReadiness {
  aggregator: string;
  scheduled: boolean;
  state: "ok" | "failing" | "pending";
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  error: string | null;
}

export interface Readiness {
  ready: boolean;
  stopping: boolean;
  database: { ok: boolean; error: string | null };
  sources: SourceReadiness[];
}

export async function readiness(state: ServiceState): Promise<Readiness> {
  const database = { ok: true, error: null as string | null };
  let polls = new Map<string, PollStatus>();
  try {
    await withTimeout("the database check", 3000, state.db.query("SELECT 1"));
    polls = await readPollStatus(state.db);
  } catch (error) {
    database.ok = false;
    database.error = (error as Error).message;
  }
  const sources = state.config.aggregators.map((agg): SourceReadiness => {
    const p = polls.get(agg.id);
    return {
      aggregator: agg.id,
      scheduled: agg.schedule !== null,
      state: !p || p.ok === null ? "pending" : p.ok ? "ok" : "failing",
      lastPollAt: p?.finishedAt?.toISOString() ?? null,
      lastSuccessAt: p?.lastSuccessAt?.toISOString() ?? null,
      error: p?.ok === false ? p.error : null,
    };
  });
  const stopping = state.stopping();
  return {
    ready: database.ok && !stopping && sources.every((s) => s.state !== "failing"),
    stopping,
    database,
    sources,
  };
}
