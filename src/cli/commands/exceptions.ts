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
    .description(
      "Resolve one exception: apply-to INVOICE[,INVOICE], apply-suggestion N, refund, write-off, reject or return",
    )
    .argument("<id>", "the exception id (from `exceptions list`)")
    .argument(
      "[argument]",
      "for apply-to: invoice numbers, comma-separated; for apply-suggestion: the suggestion's number (written after --action)",
    )
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
  exceptions
    .command("suggest")
    .description(
      "Repair suggestions for a wrong or unbilled account: billed accounts it may have meant, ranked, with evidence",
    )
    .argument("<id>", "the exception id (from `exceptions list`)")
    .option("--json", "print a JSON array")
    .addHelpText(
      "after",
      "\nTake one with: billpay exceptions resolve ID --action apply-suggestion N --note TEXT --by NAME",
    )
    .action(lazyAction(() => import("../actions/exceptions.js"), "suggestAction"));
}
