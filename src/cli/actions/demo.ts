import { runDemo, type DemoResult } from "../../demo/run-demo";
import { renderTable } from "../../report/text-table";
import { log } from "../../log";
import { formatUsd } from "../../model";
import type { PollReport } from "../../sources/poll";
import { describeSummary, pollExitCode, pollsJson, summarizePolls } from "../../sources/poll-summary";
import { CliExit, printJson } from "../exit";

type FileRow = PollReport["files"][number] & { aggregator: string };

/** The per-file table: aggregator, file, status, payments, total, first error. */
export function demoTable(reports: PollReport[]): string {
  const rows: FileRow[] = reports.flatMap((r) => r.files.map((f) => ({ ...f, aggregator: r.aggregator })));
  return renderTable(rows, [
    { header: "aggregator", value: (f) => f.aggregator },
    { header: "file", value: (f) => f.name },
    { header: "status", value: (f) => f.status },
    { header: "payments", value: (f) => String(f.payments), align: "right" },
    { header: "total", value: (f) => (f.status === "posted" ? formatUsd(f.totalCents) : "-"), align: "right" },
    { header: "first error", value: (f) => f.errors[0]?.code ?? "" },
  ]);
}

/** Matching after the files: how the payments matched and what waits for a person. */
export function matchingLines(result: DemoResult): string {
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ") || "none";
  const lines = [];
  if (result.invoices) lines.push(`billing: ${result.invoices.rows} invoices from sample-files/billing/invoices.csv`);
  lines.push(`payments by match status: ${list(result.matching.byMatchStatus)}`);
  lines.push(`open exceptions by reason: ${list(result.matching.openExceptions)}`);
  lines.push("next: billpay exceptions list · billpay report --from 2017-01-01 --to 2030-12-31 --format table");
  return lines.join("\n");
}

/** `billpay demo`: declared in src/cli/commands/demo.ts. */
export async function demoAction(opts: { fresh?: boolean; json?: boolean }): Promise<void> {
  // The table tells the story; per-file log lines would bury it (LOG_LEVEL brings them back).
  if (!process.env.LOG_LEVEL) log.level = "error";
  const result = await runDemo({
    fresh: opts.fresh,
    onReady: (info) => {
      if (opts.json) return;
      process.stdout.write(
        `SFTP server on 127.0.0.1:${info.port}, host key ${info.hostKeySha256}\n` +
          `aggregators: ${info.aggregators.map((a) => `${a.id} (${a.files.length} files)`).join(", ")}\n` +
          `ingesting into ${info.database}\n\n`,
      );
    },
  });
  const summary = summarizePolls(result.reports);
  if (opts.json)
    printJson({
      ...pollsJson(result.reports),
      database: result.database,
      invoices: result.invoices,
      matching: result.matching,
    });
  else {
    process.stdout.write(
      `${demoTable(result.reports)}\n\n${describeSummary(summary, result.reports)}\n\n${matchingLines(result)}\n`,
    );
    if (summary.files && summary.byStatus.duplicate === summary.files) {
      process.stdout.write(
        "Every file was already in this database (exactly once!); `billpay demo --fresh` ingests into a throwaway one.\n",
      );
    }
  }
  if (pollExitCode(summary) === 1) throw new CliExit(1);
}
