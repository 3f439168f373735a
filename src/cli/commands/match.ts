import type { Command } from "commander";
import { matchPayments } from "../../match/matcher";
import { withDatabase } from "../database";
import { printJson } from "../exit";

export function register(program: Command): void {
  program
    .command("match")
    .description("Match unmatched payments to invoices (also runs after each posted file)")
    .option("--file <id>", "only this file's payments")
    .option("--json", "print one JSON object")
    .action(async (opts: { file?: string; json?: boolean }) => {
      const summary = await withDatabase((db) => matchPayments(db, { fileId: opts.file }));
      if (opts.json) return printJson(summary);
      const outcomes = Object.entries(summary.byOutcome).map(([k, v]) => `${k} ${v}`).join(", ");
      process.stdout.write(
        `${summary.considered} unmatched considered: ${summary.decided} decided${outcomes ? ` [${outcomes}]` : ""}, ${summary.waiting} waiting, ${summary.exceptionsOpened} exceptions opened\n`,
      );
    });
}
