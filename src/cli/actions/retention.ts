import { CONFIG_ENV } from "../../config/config-env";
import { loadConfig, type BillpayConfig } from "../../config/config-file";
import { retentionCutoff, retentionYears, payeeToday } from "../../retention/policy";
import { defaultCutoff, runRetention, type CopyFolder } from "../../retention/run";
import type { IsoDate } from "../../model/dates";
import { stagingDir } from "../../sources/staging";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";
import { dateArgument } from "../rules-input";
import { BAD_INPUT } from "../rules-options";

/**
 * The folders of copies the product keeps here: staging (under the default period) and each local
 * source's archive folder (under its aggregator's policy). An SFTP source's archive is on the
 * sender's server, not ours to prune.
 */
function copyFolders(config: BillpayConfig | null, today: IsoDate): CopyFolder[] {
  const folders: CopyFolder[] = [{ dir: stagingDir(), cutoff: defaultCutoff(today) }];
  for (const agg of config?.aggregators ?? []) {
    if (agg.source.type !== "local" || agg.source.archiveDir === "leave") continue;
    folders.push({ dir: agg.source.archiveDir, cutoff: retentionCutoff(today, retentionYears(agg.mapping.policy)) });
  }
  return folders;
}

/**
 * The day the period is counted back from: today, or `--today`. A real run as of a later day
 * would dispose of records still inside their period, so only a dry run may look ahead.
 */
function runDay(opts: { dryRun?: boolean; today?: string }): IsoDate {
  const today = payeeToday();
  const asked = dateArgument(opts.today, "--today") ?? today;
  if (asked > today && !opts.dryRun)
    throw new CliExit(BAD_INPUT, `--today ${asked} is after today (${today}): only a --dry-run may look ahead`);
  return asked;
}

/** `billpay retention run [--dry-run] [--today D]`: declared in src/cli/commands/retention.ts. */
export async function retentionRunAction(opts: {
  dryRun?: boolean;
  today?: string;
  config?: string;
  json?: boolean;
}): Promise<void> {
  const today = runDay(opts);
  const config = opts.config || process.env[CONFIG_ENV] ? loadConfig(opts.config) : null;
  const result = await withDatabase((db) =>
    runRetention(db, { today, dryRun: Boolean(opts.dryRun), folders: copyFolders(config, today) }),
  );
  if (opts.json) return printJson(result);
  const cutoffs = [...new Set(result.cutoffs.map((c) => `${c.years} years (before ${c.cutoff})`))].join(", ");
  const verb = result.dryRun ? "would clear" : "cleared";
  process.stdout.write(
    `retention ${result.dryRun ? "dry run" : "run"} ${result.today}: ${verb} raw text, payer names, typed accounts and details of ${result.payments} payments` +
      ` (${cutoffs || "no files yet"}); ${result.dryRun ? "would delete" : "deleted"} ${result.files} file copies\n`,
  );
}
