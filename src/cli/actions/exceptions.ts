import { listExceptions, type ExceptionView } from "../../match/exceptions";
import { ResolveError, resolveException } from "../../match/resolve";
import { RESOLVE_ACTIONS, type ResolveAction } from "../../match/resolve-actions";
import { centsToDecimal, EXCEPTION_REASONS, formatUsd } from "../../model";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";
import { renderTable } from "../../report/text-table";

function exceptionJson(e: ExceptionView): Record<string, unknown> {
  return { ...e, amount: centsToDecimal(e.amountCents) };
}

/** `billpay exceptions list`: declared in src/cli/commands/exceptions.ts. */
export async function listAction(opts: { reason?: string; all?: boolean; json?: boolean }): Promise<void> {
  if (opts.reason && !(EXCEPTION_REASONS as readonly string[]).includes(opts.reason)) {
    throw new CliExit(1, `unknown reason "${opts.reason}"; known: ${EXCEPTION_REASONS.join(", ")}`);
  }
  const rows = await withDatabase((db) =>
    listExceptions(db, { reason: opts.reason, status: opts.all ? "all" : "open" }),
  );
  if (opts.json) return printJson(rows.map(exceptionJson));
  if (!rows.length) return void process.stdout.write("no exceptions\n");
  process.stdout.write(
    `${renderTable(rows, [
      { header: "ID", value: (e) => String(e.id), align: "right" },
      { header: "REASON", value: (e) => e.reason },
      { header: "AMOUNT", value: (e) => formatUsd(e.amountCents), align: "right" },
      { header: "AGE", value: (e) => `${e.ageDays}d`, align: "right" },
      { header: "PAYMENT", value: (e) => e.paymentId?.slice(0, 8) ?? "-" },
      { header: "ACCOUNT", value: (e) => (e.payment?.accountLast4 ? `…${e.payment.accountLast4}` : "-") },
      { header: "PAYER", value: (e) => e.payment?.payerName ?? "-" },
      { header: "SETTLED", value: (e) => e.payment?.settledOn ?? "-" },
      { header: "RETURN BY", value: (e) => e.returnBy ?? "-" },
      { header: "STATUS", value: (e) => (e.status === "open" ? "open" : `${e.resolution} by ${e.resolvedBy}`) },
      { header: "WHY", value: (e) => e.message },
    ])}\n`,
  );
}

interface ResolveOptions {
  action: string;
  reason?: string;
  note: string;
  by: string;
  json?: boolean;
}

/** `billpay exceptions resolve ID [INVOICES]`. */
export async function resolveAction(id: string, invoiceList: string | undefined, opts: ResolveOptions): Promise<void> {
  const action = opts.action;
  if (!(RESOLVE_ACTIONS as readonly string[]).includes(action))
    throw new CliExit(1, `unknown action "${action}"; one of ${RESOLVE_ACTIONS.join(", ")}`);
  if (!/^\d+$/.test(id)) throw new CliExit(1, `exception id must be a number, not "${id}"`);
  const invoices = (invoiceList ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  if (action === "apply-to" && !invoices.length)
    throw new CliExit(1, "apply-to needs invoice numbers: --action apply-to INV-1[,INV-2]");
  try {
    const result = await withDatabase((db) =>
      resolveException(db, Number(id), {
        action: action as ResolveAction,
        invoices,
        reason: opts.reason,
        note: opts.note,
        by: opts.by,
      }),
    );
    if (opts.json) return printJson(result);
    const applied = result.applied.map((a) => `${formatUsd(a.cents)} on ${a.invoiceNumber}`).join(", ");
    process.stdout.write(`exception ${id} resolved: ${result.exception.resolution}${applied ? ` (${applied})` : ""}\n`);
  } catch (error) {
    if (error instanceof ResolveError) throw new CliExit(2, error.message);
    throw error;
  }
}
