import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const retention = program.command("retention").description("Disposing of records past the payee policy's period");
  retention
    .command("run")
    .description(
      "Clear raw text, payer names, typed accounts and details of payments past retention.years; delete old file copies",
    )
    .option("--dry-run", "count what would be removed; change nothing")
    .option(
      "--today <date>",
      "count the period back from this day (YYYY-MM-DD, New York) instead of today; a later day only with --dry-run",
    )
    .option("-c, --config <file>", "configuration file, for the local archive folders (default: $BILLPAY_CONFIG)")
    .option("--json", "print one JSON document")
    .action(lazyAction(() => import("../actions/retention.js"), "retentionRunAction"));
}
