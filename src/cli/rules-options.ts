import type { Command } from "commander";
import { CONFIG_ENV, loadConfig } from "../config/config-file";
import { DEFAULT_PAYEE_POLICY, PayeePolicy } from "../rules/payee-policy";
import { ConfigError } from "../config/zod-errors";
import type { IsoDate, YearMonth } from "../model/dates";
import { isIsoDate, isYearMonth } from "../rules/local-date";
import { CliExit } from "./exit";

/** Options shared by the rules commands (check-account, calendar, timing): which payee policy applies. */

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

/** Command-line flags that replace one policy setting each. */
export interface PolicyFlag {
  flag: string;
  key: "dayCounting" | "checkDigit" | "masks";
  value: unknown;
}

/**
 * The configuration's payee policy (the default when there is no configuration) with the
 * command's flags applied. A bad value ends with exit code 2 and a message naming the flag, or
 * the file and key.
 */
export function resolvePolicy(options: PolicyOptions, flags: PolicyFlag[] = []): PayeePolicy {
  const all = [...flags, { flag: "--day-counting", key: "dayCounting" as const, value: options.dayCounting }].filter(
    (f) => f.value !== undefined,
  );
  try {
    let policy = options.config || process.env[CONFIG_ENV] ? loadConfig(options.config).payee : DEFAULT_PAYEE_POLICY;
    for (const { flag, key, value } of all) {
      const checked = PayeePolicy.shape[key].safeParse(value);
      if (!checked.success) throw new ConfigError(`${flag}: ${checked.error.issues.map((i) => i.message).join("; ")}`);
      policy = { ...policy, [key]: checked.data };
    }
    return policy;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(BAD_INPUT, error.message);
    throw error;
  }
}

export function dateArgument(value: string | undefined, flag: string): IsoDate | null {
  if (value === undefined) return null;
  if (!isIsoDate(value)) throw new CliExit(BAD_INPUT, `${flag} must be a date YYYY-MM-DD (got "${value}")`);
  return value;
}

export function monthArgument(value: string | undefined, flag: string): YearMonth | null {
  if (value === undefined) return null;
  if (!isYearMonth(value)) throw new CliExit(BAD_INPUT, `${flag} must be a month YYYY-MM (got "${value}")`);
  return value;
}
