import type { Command } from "commander";
import { existsSync } from "node:fs";
import { importInvoices } from "../../match/invoice-import";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";

export function register(program: Command): void {
  const invoices = program.command("invoices").description("Billing data: import the invoices payments are matched to");
  invoices
    .command("import")
    .description("Upsert invoices from a CSV (invoice,account_number,member_name,plan,coverage_month,amount_due,first_payment)")
    .argument("<file>", "the billing CSV")
    .option("--by <name>", "who imports (for the audit log)", "billpay")
    .option("--json", "print one JSON object")
    .addHelpText("after", "\nExit status: 0 every row imported, 2 some rows refused (the others are imported), 1 failure.")
    .action(async (file: string, opts: { by: string; json?: boolean }) => {
      if (!existsSync(file)) throw new CliExit(1, `no such file: ${file}`);
      const result = await withDatabase((db) => importInvoices(db, file, { actor: opts.by }));
      if (opts.json) printJson(result);
      else {
        const lines = [`${result.rows} rows: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.errors.length} refused`];
        for (const e of result.errors) lines.push(`  line ${e.line ?? "-"}${e.field ? ` ${e.field}` : ""}: ${e.message} [${e.code}]`);
        if (result.created + result.updated) lines.push("run `billpay match` to match waiting payments against them");
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      process.exitCode = result.errors.length ? 2 : 0;
    });
}
