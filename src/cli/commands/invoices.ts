import type { Command } from "commander";
import { INVOICE_COLUMNS } from "../../match/invoice-columns";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const invoices = program.command("invoices").description("Billing data: import the invoices payments are matched to");
  invoices
    .command("import")
    .description(`Upsert invoices from a CSV (${INVOICE_COLUMNS.join(",")}), then match`)
    .argument("<file>", "the billing CSV")
    .option("--by <name>", "who imports (for the audit log)", "billpay")
    .option("--no-match", "import only; leave waiting payments for `billpay match`")
    .option("--skip-bad-rows", "import the good rows when some are refused (else nothing is written)")
    .option("--json", "print one JSON object")
    .addHelpText(
      "after",
      "\nExit status: 0 every row imported, 2 some rows refused (nothing was written; with --skip-bad-rows the others are imported and matched), 1 failure.",
    )
    .action(lazyAction(() => import("../actions/invoices.js"), "importInvoicesAction"));
}
