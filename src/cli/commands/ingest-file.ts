import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  program
    .command("ingest-file")
    .description("Ingest one local file exactly once: posted, duplicate or quarantined")
    .argument("<file>", "the remittance file")
    .requiredOption("-a, --aggregator <id>", "aggregator id (its mapping is mappings/<id>.yaml)")
    .option("-m, --mapping <file>", "use this mapping file instead of mappings/<id>.yaml")
    .option("--no-match", "post only; leave matching to a later `billpay match`")
    .option("--json", "print one JSON object")
    .addHelpText("after", "\nExit status: 0 posted or duplicate, 2 quarantined, 1 unexpected failure.")
    .action(lazyAction(() => import("../actions/ingest-file.js"), "ingestFileAction"));
}
