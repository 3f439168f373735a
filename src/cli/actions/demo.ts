import type { DataSource } from "typeorm";
import { runDemo, type DemoResult } from "../../demo/run-demo";
import { renderTable } from "../../report/text-table";
import { log } from "../../log";
import { formatUsd } from "../../model";
import type { PollReport } from "../../sources/poll";
import { describeSummary, pollExitCode, pollsJson, summarizePolls } from "../../sources/poll-summary";
import { CliExit, printJson } from "../exit";
import { httpSettings } from "./http-settings";

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
export async function demoAction(opts: {
  fresh?: boolean;
  json?: boolean;
  serve?: boolean;
  port: string;
}): Promise<void> {
  // The table tells the story; per-file log lines would bury it (LOG_LEVEL brings them back).
  if (!process.env.LOG_LEVEL) log.level = "error";
  let code = 0;
  await runDemo({
    fresh: opts.fresh,
    onReady: (info) => {
      if (opts.json) return;
      process.stdout.write(
        `SFTP server on 127.0.0.1:${info.port}, host key ${info.hostKeySha256}\n` +
          `aggregators: ${info.aggregators.map((a) => `${a.id} (${a.files.length} files)`).join(", ")}\n` +
          `ingesting into ${info.database}\n\n`,
      );
    },
    whileOpen: async (db, result) => {
      code = printDemo(result, opts.json === true);
      if (opts.serve) await serveDemoConsole(db, opts.port);
    },
  });
  if (code === 1) throw new CliExit(1);
}

/** The usual table (or JSON) and the matching summary; returns the exit code the polls call for. */
function printDemo(result: DemoResult, json: boolean): number {
  const summary = summarizePolls(result.reports);
  if (json)
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
  return pollExitCode(summary);
}

/** The console name a newcomer signs in with; a resolver, so that the demo can be worked end to end. */
export const DEMO_CONSOLE_USER = "demo";

/**
 * The console over the demo's database on loopback, with the demo user given a fresh password
 * (printed once), until SIGINT or SIGTERM.
 */
async function serveDemoConsole(db: DataSource, port: string): Promise<void> {
  const [{ addUser, resetPassword, UserError }, { generatePassword }, { startConsoleService }] = await Promise.all([
    import("../../console/users.js"),
    import("../../console/passwords.js"),
    import("../../service/service.js"),
  ]);
  const password = generatePassword();
  try {
    await addUser(db, { name: DEMO_CONSOLE_USER, role: "resolver", password }, "demo");
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    await resetPassword(db, DEMO_CONSOLE_USER, password, "demo"); // a second demo run on the same database
  }
  const http = httpSettings({ host: "127.0.0.1", port, idleMinutes: "30" });
  const service = await startConsoleService(db, { http, instance: "demo" });
  process.stdout.write(
    `\nconsole: ${service.url}/console\nsign in as ${DEMO_CONSOLE_USER} with password ${password}\n(Ctrl-C stops it)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await service.stop(0);
}
