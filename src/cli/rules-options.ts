import type { Command } from "commander";
import { CONFIG_ENV } from "../config/config-env";

/**
 * Options shared by the rules commands (check-account, calendar, timing): which payee policy
 * applies. Declaring them loads nothing else; src/cli/rules-input.ts reads them when a command runs.
 */

export interface PolicyOptions {
  config?: string;
  dayCounting?: string;
}

/** Exit code for input the command cannot use. */
export const BAD_INPUT = 2;

export function addConfigOption(cmd: Command): Command {
  return cmd.option(
    "-c, --config <file>",
    `configuration file whose payee section sets the policy (default: $${CONFIG_ENV}, else the Connector's rules)`,
  );
}

export function addDayCountingOption(cmd: Command): Command {
  return cmd.option("--day-counting <mode>", "count lead days as calendar (default) or banking days");
}
