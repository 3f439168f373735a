import type { Command } from "commander";
import { addHttpOptions } from "../http-options";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const command = program
    .command("console")
    .description("The web console and the read API (with health and metrics), without polling or workers")
    .option("-c, --config <file>", "configuration file, for /readyz to report its sources (default: $BILLPAY_CONFIG)");
  addHttpOptions(command)
    .addHelpText(
      "after",
      "\nSign in with a user made by `billpay users add NAME --role viewer|resolver|admin`. Runs until SIGTERM or\n" +
        "SIGINT. Exit status: 0 after a clean shutdown, 2 bad options or a bind the rules refuse.",
    )
    .action(lazyAction(() => import("../actions/console.js"), "consoleAction"));
}
