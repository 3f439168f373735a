import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const audit = program.command("audit").description("The append-only audit log");
  audit
    .command("payment")
    .description("Print one payment's history: its file, its matching decisions, invoice and exception changes")
    .argument("<id>", "payment id (or a unique prefix of it)")
    .option("--json", "print one JSON object")
    .action(lazyAction(() => import("../actions/audit.js"), "auditPaymentAction"));
}
