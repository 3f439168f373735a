import type { Command } from "commander";
import { existsSync } from "node:fs";
import { dryRun } from "../../ingest/dry-run";
import { loadAggregatorMapping, loadMappingFile } from "../../config/mapping-loader";
import { CliExit } from "../exit";

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
    .action(async (file: string, opts: { aggregator: string; mapping?: string }) => {
      if (!existsSync(file)) throw new CliExit(1, `no such file: ${file}`);
      const mapping = opts.mapping
        ? loadMappingFile(opts.mapping, opts.aggregator)
        : loadAggregatorMapping(opts.aggregator);
      const result = await dryRun(file, mapping, (p) => process.stdout.write(`${JSON.stringify(p)}\n`));
      for (const e of result.bankEntries) process.stdout.write(`${JSON.stringify({ bankEntry: e })}\n`);
      for (const e of result.errors) process.stderr.write(`${JSON.stringify({ error: e })}\n`);
      if (result.status === "rejected") process.exitCode = 2;
    });
}
