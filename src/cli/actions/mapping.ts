import { existsSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../../config/zod-errors";
import { dryRun, type DryRunResult } from "../../ingest/dry-run";
import { loadMappingFile, type LoadedMapping } from "../../config/mapping-loader";
import { formatUsd, type ErrorRecord } from "../../model";
import { CliExit, printJson } from "../exit";
import { renderTable } from "../../report/text-table";

interface CheckOptions {
  json?: boolean;
  aggregator?: string;
}

/** `billpay mapping check MAPPING SAMPLE`: declared in src/cli/commands/mapping.ts. */
export async function checkMappingAction(mappingFile: string, sample: string, options: CheckOptions): Promise<void> {
  if (!existsSync(sample)) throw new CliExit(1, `no such file: ${sample}`);
  let loaded: LoadedMapping;
  try {
    loaded = loadMappingFile(mappingFile, options.aggregator);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (options.json)
      printJson({
        mapping: mappingFile,
        status: "invalid_mapping",
        errors: [{ code: "invalid_mapping", line: null, field: null, message: error.message }],
      });
    throw new CliExit(2, options.json ? "" : error.message);
  }
  const result = await dryRun(sample, loaded);
  if (options.json) printJson(checkJson(mappingFile, result));
  else process.stdout.write(checkText(mappingFile, result));
  if (result.status !== "ok") throw new CliExit(2);
}

function checkJson(mappingFile: string, r: DryRunResult) {
  return {
    mapping: mappingFile,
    aggregator: r.aggregator,
    adapter: r.adapter,
    sample: r.file,
    status: r.status,
    payments: r.payments,
    bankEntries: r.bankEntries,
    controls: r.summary?.controls ?? [],
    warnings: r.summary?.warnings ?? [],
    errors: r.errors,
  };
}

/** For people: the payments as a table, then controls, warnings and errors each with line and field. */
export function checkText(mappingFile: string, r: DryRunResult): string {
  const out: string[] = [
    `${path.basename(mappingFile)} (adapter ${r.adapter}) reading ${r.file}: ${r.status === "ok" ? "ok" : "REJECTED"}`,
    "",
  ];
  if (r.payments.length) {
    out.push(
      renderTable(r.payments, [
        { header: "line", value: (p) => String(p.line), align: "right" },
        { header: "kind", value: (p) => p.kind },
        { header: "ref", value: (p) => p.sourceRef ?? "" },
        { header: "amount", value: (p) => formatUsd(p.amountCents), align: "right" },
        // accountRaw is already masked by the rules when it looks like an SSN.
        { header: "account as typed", value: (p) => p.accountRaw ?? "" },
        { header: "account", value: (p) => p.accountStatus },
        { header: "initiated", value: (p) => p.initiatedOn ?? "" },
        { header: "settled", value: (p) => p.settledOn ?? "" },
        { header: "coverage", value: (p) => p.coverageMonth ?? "" },
        { header: "timing", value: (p) => p.timingStatus },
        { header: "payer", value: (p) => p.payerName ?? "" },
      ]),
      "",
    );
  }
  out.push(`${r.payments.length} payment(s)${r.bankEntries.length ? `, ${r.bankEntries.length} bank entr(ies)` : ""}`);
  for (const c of r.summary?.controls ?? []) {
    const total = (cents: number | null) => (cents === null ? "-" : formatUsd(cents));
    out.push(
      `control ${c.scope} (line ${c.line}): declared ${c.declaredCount ?? "-"} records ${total(c.declaredTotalCents)}, parsed ${c.parsedCount ?? "-"} records ${total(c.parsedTotalCents)}`,
    );
  }
  for (const w of r.summary?.warnings ?? []) out.push(`warning ${where(w)}: ${w.message} [${w.code}]`);
  for (const e of r.errors) out.push(`error ${where(e)}: ${e.message} [${e.code}]`);
  return `${out.join("\n")}\n`;
}

function where(e: ErrorRecord): string {
  const line = e.line ? `line ${e.line}` : "file";
  return e.field ? `${line}, ${e.field}` : line;
}
