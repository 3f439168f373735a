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
  audit
    .command("verify")
    .description("Walk the audit hash chain; name the first entry changed, removed or inserted (exit 1)")
    .option("--head <file>", "also check that the chain still passes through this head (from `audit head --out`)")
    .option("--json", "print the result as one JSON object")
    .action(lazyAction(() => import("../actions/audit-chain.js"), "auditVerifyAction"));
  audit
    .command("head")
    .description("Print the audit chain head (seq, hash, time): kept outside, it holds the log to a point")
    .option("--out <file>", "also write it to this file (for `audit verify --head`)")
    .action(lazyAction(() => import("../actions/audit-chain.js"), "auditHeadAction"));
}
