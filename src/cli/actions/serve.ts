import { loadConfig } from "../../config/config-file";
import { ConfigError } from "../../config/zod-errors";
import { log } from "../../log";
import { waitAtMost } from "../../service/embedded-scheduler";
import { startService } from "../../service/service";
import { closeDatabase, openDatabase } from "../../store/data-source";
import { CliExit } from "../exit";
import type { HttpFlags } from "../http-options";
import { httpSettings, numberOption as number } from "./http-settings";

interface ServeOpts extends HttpFlags {
  config?: string;
  concurrency: string;
  grace: string;
  retries: string;
  retryDelay: string;
  fileTimeout: string;
  jobPolling: string;
}

/**
 * `billpay serve` (declared in src/cli/commands/serve.ts): runs until SIGTERM or SIGINT, then stops
 * taking work and exits (see --grace).
 */
export async function serveAction(opts: ServeOpts): Promise<void> {
  const http = httpSettings(opts);
  let config;
  try {
    config = loadConfig(opts.config);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(2, error.message);
    throw error;
  }
  const graceMs = number(opts.grace, "grace", 0) * 1000;
  const db = await openDatabase();
  const service = await startService(db, {
    config,
    databaseUrl: process.env.DATABASE_URL,
    http,
    boss: {
      concurrency: number(opts.concurrency, "concurrency", 1),
      retryLimit: number(opts.retries, "retries", 0),
      retryDelaySeconds: number(opts.retryDelay, "retry-delay", 1),
      fileTimeoutSeconds: number(opts.fileTimeout, "file-timeout", 1),
      pollingIntervalSeconds: number(opts.jobPolling, "job-polling", 0.5),
    },
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  log.info("shutting down: no new work; finishing or abandoning the current file", {
    signal,
    instance: service.instance,
    graceSeconds: graceMs / 1000,
  });
  const clean = await service.stop(graceMs);
  // Abandoned work must not get to commit after all: exit now, and closing the connection rolls
  // its transaction back. Finished work lets the pools close first.
  const closed = clean ? await waitAtMost(closeDatabase(db), 3000) : false;
  log.info("stopped", { instance: service.instance, clean, abandoned: !clean, databaseClosed: closed });
  process.exit(0);
}
