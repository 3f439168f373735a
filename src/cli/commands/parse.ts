import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  program
    .command("parse")
    .description("Dry run: a file's normalized payments as JSON lines; nothing stored")
    .argument("<file>", "the remittance file")
    .requiredOption("-a, --aggregator <id>", "aggregator id (its mapping is mappings/<id>.yaml)")
    .option("-m, --mapping <file>", "use this mapping file instead of mappings/<id>.yaml")
    .addHelpText(
      "after",
      '\nOne JSON object per payment or bank entry on stdout; errors as JSON lines with "error" on stderr.\nExit status: 0 parsed, 2 the file has format or control errors.',
    )
    .action(lazyAction(() => import("../actions/parse.js"), "parseAction"));
}
