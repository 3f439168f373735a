import type { Command } from "commander";
import { RESOLVE_ACTIONS } from "../../match/resolve-actions";
import { EXCEPTION_REASONS, RETURN_REASONS } from "../../model/enums";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const exceptions = program.command("exceptions").description("The exception queue: payments a person must act on");
  exceptions
    .command("list")
    .description("List open exceptions (oldest first)")
    .option("--reason <reason>", `only this reason (${EXCEPTION_REASONS.join(", ")})`)
    .option("--all", "include resolved exceptions")
    .option("--json", "print a JSON array")
    .action(lazyAction(() => import("../actions/exceptions.js"), "listAction"));
  exceptions
    .command("resolve")
    .description("Resolve one exception: apply-to INVOICE[,INVOICE], refund, write-off, reject or return")
    .argument("<id>", "the exception id (from `exceptions list`)")
    .argument("[invoices]", "for apply-to: invoice numbers, comma-separated (written after --action apply-to)")
    .requiredOption("--action <action>", `one of ${RESOLVE_ACTIONS.join(", ")}`)
    .option("--reason <code>", `for return: the reason code (${RETURN_REASONS.join(", ")})`)
    .requiredOption("--note <text>", "why (kept in the audit log)")
    .requiredOption("--by <name>", "who resolves it")
    .option("--json", "print one JSON object")
    .addHelpText(
      "after",
      '\nExample: billpay exceptions resolve 12 --action apply-to INV-H-04,INV-D-04 --note "split per member call" --by jdoe',
    )
    .action(lazyAction(() => import("../actions/exceptions.js"), "resolveAction"));
}
