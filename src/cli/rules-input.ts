import { CONFIG_ENV } from "../config/config-env";
import { DEFAULT_PAYEE_POLICY } from "../rules/payee-policy-defaults";
import type { PayeePolicy } from "../rules/payee-policy";
import { ConfigError } from "../config/zod-errors";
import type { IsoDate, YearMonth } from "../model/dates";
import { isIsoDate, isYearMonth } from "../rules/local-date";
import { CliExit } from "./exit";
import { BAD_INPUT, type PolicyOptions } from "./rules-options";

/** The rules commands' input, read when a command runs: the payee policy with the flags applied, dates and months. */

/** Command-line flags that replace one policy setting each. */
export interface PolicyFlag {
  flag: string;
  key: "dayCounting" | "checkDigit" | "masks";
  value: unknown;
}

/**
 * The configuration's payee policy (the default when there is no configuration) with the
 * command's flags applied. A bad value ends with exit code 2 and a message naming the flag, or
 * the file and key. The configuration code (YAML, mappings) loads only when a file is named, and
 * the policy schema (zod) only when a flag is given: most runs use the defaults and start at once.
 */
export async function resolvePolicy(options: PolicyOptions, flags: PolicyFlag[] = []): Promise<PayeePolicy> {
  const all = [...flags, { flag: "--day-counting", key: "dayCounting" as const, value: options.dayCounting }].filter(
    (f) => f.value !== undefined,
  );
  try {
    let policy: PayeePolicy = DEFAULT_PAYEE_POLICY;
    if (options.config || process.env[CONFIG_ENV]) {
      const { loadConfig } = await import("../config/config-file.js");
      policy = loadConfig(options.config).payee;
    }
    if (all.length) {
      const { PayeePolicy: schema } = await import("../rules/payee-policy.js");
      for (const { flag, key, value } of all) {
        const checked = schema.shape[key].safeParse(value);
        if (!checked.success)
          throw new ConfigError(`${flag}: ${checked.error.issues.map((i) => i.message).join("; ")}`);
        policy = { ...policy, [key]: checked.data };
      }
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
