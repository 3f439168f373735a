import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const mapping = program
    .command("mapping")
    .description("Aggregator mapping files (mappings/<id>.yaml): check one on a sample");
  mapping
    .command("check")
    .description(
      "Check a mapping against a sample file: normalized payments and every error, without touching the database",
    )
    .argument("<mapping>", "the mapping file (YAML)")
    .argument("<sample>", "a sample remittance file the mapping should read")
    .option("-a, --aggregator <id>", "aggregator id to report (default: the mapping file's name)")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nExit status: 0 the sample parses cleanly, 2 the mapping is invalid or the sample has format or control errors.",
    )
    .action(lazyAction(() => import("../actions/mapping.js"), "checkMappingAction"));
}
