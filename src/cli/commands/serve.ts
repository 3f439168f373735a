import type { Command } from "commander";
import { DEFAULT_BOSS_SETTINGS } from "../../service/service-settings";
import { addHttpOptions } from "../http-options";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const serve = program
    .command("serve")
    .description("Scheduled polling and workers, with HTTP health, metrics, read API and the web console")
    .option("-c, --config <file>", "configuration file (default: $BILLPAY_CONFIG)");
  addHttpOptions(serve)
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
    .action(lazyAction(() => import("../actions/serve.js"), "serveAction"));
}
