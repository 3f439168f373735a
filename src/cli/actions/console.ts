import { CONFIG_ENV, loadConfig } from "../../config/config-file";
import { ConfigError } from "../../config/zod-errors";
import { log } from "../../log";
import { waitAtMost } from "../../service/embedded-scheduler";
import { startConsoleService } from "../../service/service";
import { closeDatabase, openDatabase } from "../../store/data-source";
import { CliExit } from "../exit";
import type { HttpFlags } from "../http-options";
import { httpSettings } from "./http-settings";

/** `billpay console` (declared in src/cli/commands/console.ts): serves until SIGTERM or SIGINT. */
export async function consoleAction(opts: HttpFlags & { config?: string }): Promise<void> {
  const http = httpSettings(opts);
  let config;
  try {
    config = opts.config || process.env[CONFIG_ENV] ? loadConfig(opts.config) : undefined;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(2, error.message);
    throw error;
  }
  const db = await openDatabase();
  const service = await startConsoleService(db, { http, config });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await service.stop(0);
  const closed = await waitAtMost(closeDatabase(db), 3000);
  log.info("stopped", { instance: service.instance, signal, databaseClosed: closed });
  process.exit(0);
}
