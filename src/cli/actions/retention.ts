import { CONFIG_ENV } from "../../config/config-env";
import { loadConfig, type BillpayConfig } from "../../config/config-file";
import { retentionCutoff, retentionYears, payeeToday } from "../../retention/policy";
import { defaultCutoff, runRetention, type CopyFolder } from "../../retention/run";
import type { IsoDate } from "../../model/dates";
import { stagingDir } from "../../sources/staging";
import { withDatabase } from "../database";
import { printJson } from "../exit";

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

/** `billpay retention run [--dry-run]`: declared in src/cli/commands/retention.ts. */
export async function retentionRunAction(opts: { dryRun?: boolean; config?: string; json?: boolean }): Promise<void> {
  const config = opts.config || process.env[CONFIG_ENV] ? loadConfig(opts.config) : null;
  const today = payeeToday();
  const result = await withDatabase((db) =>
    runRetention(db, { today, dryRun: Boolean(opts.dryRun), folders: copyFolders(config, today) }),
  );
  if (opts.json) return printJson(result);
  const cutoffs = [...new Set(result.cutoffs.map((c) => `${c.years} years (before ${c.cutoff})`))].join(", ");
  const verb = result.dryRun ? "would clear" : "cleared";
  process.stdout.write(
    `retention ${result.dryRun ? "dry run" : "run"} ${result.today}: ${verb} raw text and payer names of ${result.payments} payments` +
      ` (${cutoffs || "no files yet"}); ${result.dryRun ? "would delete" : "deleted"} ${result.files} file copies\n`,
  );
}
