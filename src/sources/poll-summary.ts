import { centsToDecimal, formatUsd, sumCents } from "../model";
import type { PolledFile, PollReport } from "./poll";

/** What `billpay ingest` and `billpay demo` print: one line per file, then totals. */
export interface PollSummary {
  sources: number;
  sourcesFailed: number;
  files: number;
  byStatus: Record<string, number>;
  payments: number;
  totalCents: number;
}

export function summarizePolls(reports: PollReport[]): PollSummary {
  const files = reports.flatMap((r) => r.files);
  const byStatus: Record<string, number> = {};
  for (const f of files) byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
  return {
    sources: reports.length,
    sourcesFailed: reports.filter((r) => !r.ok).length,
    files: files.length,
    byStatus,
    payments: files.reduce((n, f) => n + f.payments, 0),
    totalCents: sumCents(files.map((f) => f.totalCents)),
  };
}

/** 1 when a source failed, 2 when a file was quarantined (a failed source wins), else 0. */
export function pollExitCode(summary: PollSummary): number {
  if (summary.sourcesFailed) return 1;
  return summary.byStatus.quarantined ? 2 : 0;
}

export function describePolledFile(aggregator: string, f: PolledFile): string {
  const head = `${f.status.toUpperCase().padEnd(11)} ${aggregator}  ${f.name}`;
  const parts: string[] = [];
  if (f.status === "posted") parts.push(`${f.payments} payments, ${formatUsd(f.totalCents)}`);
  if (f.status === "duplicate") parts.push("already received; nothing written");
  if (f.status === "quarantined") parts.push(`${f.errors.length} error(s): ${f.errors[0]?.message ?? ""}`);
  if (f.message) parts.push(f.message);
  if (f.recovered) parts.push("move completed from an earlier poll");
  if (f.movedTo) parts.push(`→ ${f.movedTo}`);
  if (f.moveError) parts.push(`NOT MOVED (next poll retries): ${f.moveError}`);
  return parts.length ? `${head}: ${parts.join("; ")}` : head;
}

export function describeSummary(summary: PollSummary, reports: PollReport[]): string {
  const statuses = Object.entries(summary.byStatus)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  const lines = [
    `${summary.files} file(s) from ${summary.sources} source(s)${statuses ? `: ${statuses}` : ""}; ${summary.payments} payments, ${formatUsd(summary.totalCents)} posted`,
  ];
  for (const r of reports) {
    if (!r.ok) lines.push(`SOURCE FAILED ${r.aggregator} (${r.location}): ${r.error}`);
    const waiting = r.skipped.filter((s) => s.reason !== "deferred");
    if (waiting.length)
      lines.push(
        `  ${r.aggregator}: skipped ${waiting.map((s) => `${JSON.stringify(s.name)} (${s.reason})`).join(", ")}`,
      );
    if (r.deferred)
      lines.push(`  ${r.aggregator}: ${r.deferred} more file(s) left for the next poll (maxFilesPerPoll)`);
  }
  return lines.join("\n");
}

/** JSON with money as exact decimal strings beside the cents. */
export function pollsJson(reports: PollReport[]): Record<string, unknown> {
  const summary = summarizePolls(reports);
  return {
    summary: { ...summary, total: centsToDecimal(summary.totalCents) },
    exitCode: pollExitCode(summary),
    sources: reports.map((r) => ({ ...r, files: r.files.map((f) => ({ ...f, total: centsToDecimal(f.totalCents) })) })),
  };
}
