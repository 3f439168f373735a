import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const retention = program.command("retention").description("Disposing of records past the payee policy's period");
  retention
    .command("run")
    .description("Clear raw text and payer names of payments past retention.years; delete old file copies")
    .option("--dry-run", "count what would be removed; change nothing")
    .option("-c, --config <file>", "configuration file, for the local archive folders (default: $BILLPAY_CONFIG)")
    .option("--json", "print one JSON document")
    .action(lazyAction(() => import("../actions/retention.js"), "retentionRunAction"));
}
