import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  program
    .command("ingest")
    .description("Poll each configured source once; ingest every new stable file exactly once")
    .option("-c, --config <file>", "configuration file (default: $BILLPAY_CONFIG)")
    .option("-a, --aggregator <id>", "poll only this aggregator's source")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExit status: 0 all sources polled and nothing quarantined; 2 a file was quarantined; 1 a source failed\n" +
        "(unreachable, host key mismatch, a file that could not be ingested or moved), which wins over 2.",
    )
    .action(lazyAction(() => import("../actions/ingest.js"), "ingestAction"));
}
