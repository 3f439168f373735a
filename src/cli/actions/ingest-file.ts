import { existsSync } from "node:fs";
import { ingestFile, type IngestResult } from "../../ingest/pipeline";
import { loadAggregatorMapping, loadMappingFile } from "../../config/mapping-loader";
import { centsToDecimal, formatUsd } from "../../model";
import { withDatabase } from "../database";
import { errorLine } from "../error-line";
import { CliExit, printJson } from "../exit";

/** Exit codes: 0 posted or duplicate, 2 quarantined, 1 unexpected failure. */
export function exitCodeFor(result: Pick<IngestResult, "status">): number {
  return result.status === "quarantined" ? 2 : result.status === "failed" ? 1 : 0;
}

export function describeResult(r: IngestResult): string {
  const kinds = Object.entries(r.byKind)
    .map(([k, v]) => `${k} ${v.count}`)
    .join(", ");
  const head = `${r.status.toUpperCase()} ${r.name} (${r.aggregator})`;
  if (r.status === "posted")
    return `${head}: ${r.payments} records [${kinds}], net ${formatUsd(r.totalCents)}${r.duplicatePayments ? `, ${r.duplicatePayments} duplicate payments` : ""}`;
  if (r.status === "duplicate") return `${head}: already received as file ${r.fileId}; nothing written`;
  const errors = r.errors.map(errorLine);
  return [`${head}: ${r.errors.length} error(s); no payments written`, ...errors].join("\n");
}

export function resultJson(r: IngestResult): Record<string, unknown> {
  return { ...r, total: centsToDecimal(r.totalCents) };
}

/** `billpay ingest-file FILE --aggregator ID`: declared in src/cli/commands/ingest-file.ts. */
export async function ingestFileAction(
  file: string,
  opts: { aggregator: string; mapping?: string; json?: boolean; match?: boolean },
): Promise<void> {
  if (!existsSync(file)) throw new CliExit(1, `no such file: ${file}`);
  const mapping = opts.mapping
    ? loadMappingFile(opts.mapping, opts.aggregator)
    : loadAggregatorMapping(opts.aggregator);
  const result = await withDatabase((db) =>
    ingestFile(db, { aggregator: opts.aggregator, path: file, mapping }, { match: opts.match !== false }),
  );
  if (opts.json) printJson(resultJson(result));
  else process.stdout.write(`${describeResult(result)}\n`);
  process.exitCode = exitCodeFor(result);
}
