import type { Command } from "commander";
import { loadConfig } from "../../config/config-file";
import { ConfigError } from "../../config/zod-errors";
import { log } from "../../log";
import { DEFAULT_BOSS_SETTINGS } from "../../service/boss-scheduler";
import { waitAtMost } from "../../service/embedded-scheduler";
import { checkBind, HttpConfigError, TOKEN_ENV } from "../../service/http-server";
import { startService } from "../../service/service";
import { closeDatabase, openDatabase } from "../../store/data-source";
import { CliExit } from "../exit";

interface ServeOpts {
  config?: string;
  host: string;
  port: string;
  concurrency: string;
  grace: string;
  retries: string;
  retryDelay: string;
  fileTimeout: string;
  jobPolling: string;
}

function number(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new CliExit(2, `--${name} must be a number of at least ${min}`);
  return n;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("Scheduled polling and workers, with HTTP health, metrics and read API")
    .option("-c, --config <file>", "configuration file (default: $BILLPAY_CONFIG)")
    .option(
      "--host <address>",
      "HTTP bind address; anything but loopback needs $" + TOKEN_ENV,
      process.env.BILLPAY_HTTP_HOST ?? "127.0.0.1",
    )
    .option("--port <n>", "HTTP port (0 picks a free one)", process.env.BILLPAY_HTTP_PORT ?? "8080")
    .option(
      "--concurrency <n>",
      "files this instance works at once (PostgreSQL)",
      String(DEFAULT_BOSS_SETTINGS.concurrency),
    )
    .option(
      "--grace <seconds>",
      "on SIGTERM/SIGINT, how long the current file may take to finish before it is abandoned (rolled back)",
      "20",
    )
    .option(
      "--retries <n>",
      "retries of a failed file before it is parked in the dead-letter queue",
      String(DEFAULT_BOSS_SETTINGS.retryLimit),
    )
    .option(
      "--retry-delay <seconds>",
      "first retry delay of a failed file; it doubles each retry",
      String(DEFAULT_BOSS_SETTINGS.retryDelaySeconds),
    )
    .option(
      "--file-timeout <seconds>",
      "a file job running longer is failed and retried",
      String(DEFAULT_BOSS_SETTINGS.fileTimeoutSeconds),
    )
    .option(
      "--job-polling <seconds>",
      "how often an idle worker asks for a job (at least 0.5)",
      String(DEFAULT_BOSS_SETTINGS.pollingIntervalSeconds),
    )
    .addHelpText(
      "after",
      "\nWith DATABASE_URL (PostgreSQL) any number of instances share the work through pg-boss; with the embedded\n" +
        "database serve runs as a single instance. Exit status: 0 after a clean shutdown, 2 bad configuration.",
    )
    .action(serve);
}

/** Runs until SIGTERM or SIGINT, then stops taking work and exits (see --grace). */
async function serve(opts: ServeOpts): Promise<void> {
  const token = process.env[TOKEN_ENV] || undefined;
  let config;
  try {
    checkBind(opts.host, token);
    config = loadConfig(opts.config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof HttpConfigError) throw new CliExit(2, error.message);
    throw error;
  }
  const graceMs = number(opts.grace, "grace", 0) * 1000;
  const db = await openDatabase();
  const service = await startService(db, {
    config,
    databaseUrl: process.env.DATABASE_URL,
    http: { host: opts.host, port: number(opts.port, "port", 0), token },
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
