import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  program
    .command("match")
    .description(
      "Match waiting payments, and unknown accounts billing data now has, to invoices (also runs after each posted file)",
    )
    .option("--file <id>", "only this file's payments")
    .option("--json", "print one JSON object")
    .action(lazyAction(() => import("../actions/match.js"), "matchAction"));
}
