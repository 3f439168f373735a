import { matchPayments, type MatchSummary } from "../../match/matcher";
import { withDatabase } from "../database";
import { printJson } from "../exit";

/** One line a person reads after matching ran (`billpay match`, `billpay invoices import`). */
export function matchSummaryLine(summary: MatchSummary): string {
  const outcomes = Object.entries(summary.byOutcome)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const again = summary.reconsidered ? ` (${summary.reconsidered} unknown_account now on file)` : "";
  const repaired = summary.repaired ? ` (${summary.repaired} by a repaired account)` : "";
  return `${summary.considered} considered${again}: ${summary.decided} decided${outcomes ? ` [${outcomes}]` : ""}${repaired}, ${summary.waiting} waiting, ${summary.exceptionsOpened} exceptions opened`;
}

/** `billpay match`: declared in src/cli/commands/match.ts. */
export async function matchAction(opts: { file?: string; json?: boolean }): Promise<void> {
  const summary = await withDatabase((db) => matchPayments(db, { fileId: opts.file }));
  if (opts.json) return printJson(summary);
  process.stdout.write(`${matchSummaryLine(summary)}\n`);
}
