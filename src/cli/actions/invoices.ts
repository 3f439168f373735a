import { existsSync } from "node:fs";
import { importInvoices } from "../../match/invoice-import";
import { matchPayments } from "../../match/matcher";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";
import { matchSummaryLine } from "./match";
import { errorLine } from "../error-line";

/** `billpay invoices import FILE`: declared in src/cli/commands/invoices.ts. */
export async function importInvoicesAction(
  file: string,
  opts: { by: string; match: boolean; skipBadRows?: boolean; json?: boolean },
): Promise<void> {
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
    else if (result.created + result.updated) lines.push("run `billpay match` to match waiting payments against them");
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  process.exitCode = result.errors.length ? 2 : 0;
}
