import type { Command } from "commander";
import { REPORT_FORMATS } from "../../report/formats";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  program
    .command("report")
    .description("Reconciliation report for finance: files, days, matches, bank credits")
    .requiredOption("--from <date>", "first settlement day (YYYY-MM-DD)")
    .requiredOption("--to <date>", "last settlement day (YYYY-MM-DD)")
    .option("--format <format>", `${REPORT_FORMATS.join(", ")}`, "table")
    .option("--out <file>", "write to this file instead of stdout")
    .action(lazyAction(() => import("../actions/report.js"), "reportAction"));
}
