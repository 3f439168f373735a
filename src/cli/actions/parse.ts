import { existsSync } from "node:fs";
import { dryRun } from "../../ingest/dry-run";
import { loadAggregatorMapping, loadMappingFile } from "../../config/mapping-loader";
import { CliExit } from "../exit";

/** `billpay parse FILE --aggregator ID`: declared in src/cli/commands/parse.ts. */
export async function parseAction(file: string, opts: { aggregator: string; mapping?: string }): Promise<void> {
  if (!existsSync(file)) throw new CliExit(1, `no such file: ${file}`);
  const mapping = opts.mapping
    ? loadMappingFile(opts.mapping, opts.aggregator)
    : loadAggregatorMapping(opts.aggregator);
  const result = await dryRun(file, mapping, (p) => process.stdout.write(`${JSON.stringify(p)}\n`));
  for (const e of result.bankEntries) process.stdout.write(`${JSON.stringify({ bankEntry: e })}\n`);
  for (const e of result.errors) process.stderr.write(`${JSON.stringify({ error: e })}\n`);
  if (result.status === "rejected") process.exitCode = 2;
}
