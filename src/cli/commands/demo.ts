import type { Command } from "commander";
import { runDemo } from "../../demo/run-demo";
import { log } from "../../log";
import { formatUsd } from "../../model";
import type { PollReport } from "../../sources/poll";
import { describeSummary, pollExitCode, pollsJson, summarizePolls } from "../../sources/poll-summary";
import { CliExit, printJson } from "../exit";

/** The per-file table: aggregator, file, status, payments, total. */
export function demoTable(reports: PollReport[]): string {
  const rows = reports.flatMap((r) =>
    r.files.map((f) => [r.aggregator, f.name, f.status, String(f.payments), f.status === "posted" ? formatUsd(f.totalCents) : "-", f.errors[0]?.code ?? ""]),
  );
  const header = ["aggregator", "file", "status", "payments", "total", "first error"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 3 || i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("Start a local SFTP server with the sample files and ingest them all through it")
    .option("--fresh", "ingest into a throwaway database (by default the real one: a second run shows every file as duplicate)")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nThe server listens on 127.0.0.1 (random port, fresh host key); the demo config pins its key and logs in\n" +
        "with a fresh user key. Files named broken-* are included on purpose: they show quarantine.\n" +
        "Exit status: 0 when every source was polled (quarantined sample files are expected), 1 when a source failed.",
    )
    .action(async (opts: { fresh?: boolean; json?: boolean }) => {
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
      if (opts.json) printJson({ ...pollsJson(result.reports), database: result.database });
      else {
        process.stdout.write(`${demoTable(result.reports)}\n\n${describeSummary(summary, result.reports)}\n`);
        if (summary.files && summary.byStatus.duplicate === summary.files) {
          process.stdout.write("Every file was already in this database (exactly once!); `billpay demo --fresh` ingests into a throwaway one.\n");
        }
      }
      if (pollExitCode(summary) === 1) throw new CliExit(1);
    });
}
