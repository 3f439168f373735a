import type { Command } from "commander";
import { existsSync } from "node:fs";
import { importInvoices, INVOICE_COLUMNS } from "../../match/invoice-import";
import { matchPayments } from "../../match/matcher";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";
import { matchSummaryLine } from "./match";
import { errorLine } from "../error-line";

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
    .action(async (file: string, opts: { by: string; match: boolean; skipBadRows?: boolean; json?: boolean }) => {
      if (!existsSync(file)) throw new CliExit(1, `no such file: ${file}`);
      // The import commits first: a matching failure never undoes billing data, and `billpay match` retries it.
      const { result, match } = await withDatabase(async (db) => {
        const result = await importInvoices(db, file, { actor: opts.by, skipBadRows: opts.skipBadRows });
        return { result, match: opts.match ? await matchPayments(db) : null };
      });
      if (opts.json) printJson({ ...result, match });
      else {
        const lines = [
          `${result.rows} rows: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.errors.length} refused`,
        ];
        lines.push(...result.errors.map(errorLine));
        if (result.errors.length && !opts.skipBadRows)
          lines.push("nothing written (--skip-bad-rows imports the good rows)");
        if (match) lines.push(`matching: ${matchSummaryLine(match)}`);
        else if (result.created + result.updated)
          lines.push("run `billpay match` to match waiting payments against them");
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      process.exitCode = result.errors.length ? 2 : 0;
    });
}
