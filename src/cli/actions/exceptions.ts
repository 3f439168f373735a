import { listExceptions, type ExceptionView } from "../../match/exceptions";
import { suggestionsFor } from "../../match/repair/exception-suggestions";
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

/** `billpay exceptions resolve ID [ARGUMENT]`. */
export async function resolveAction(id: string, argument: string | undefined, opts: ResolveOptions): Promise<void> {
  const action = opts.action;
  if (!(RESOLVE_ACTIONS as readonly string[]).includes(action))
    throw new CliExit(1, `unknown action "${action}"; one of ${RESOLVE_ACTIONS.join(", ")}`);
  if (!/^\d+$/.test(id)) throw new CliExit(1, `exception id must be a number, not "${id}"`);
  const request = {
    action: action as ResolveAction,
    note: opts.note,
    by: opts.by,
    reason: opts.reason,
    ...actionArgument(action, argument),
  };
  try {
    const result = await withDatabase((db) => resolveException(db, Number(id), request));
    if (opts.json) return printJson(result);
    const applied = result.applied.map((a) => `${formatUsd(a.cents)} on ${a.invoiceNumber}`).join(", ");
    process.stdout.write(`exception ${id} resolved: ${result.exception.resolution}${applied ? ` (${applied})` : ""}\n`);
  } catch (error) {
    if (error instanceof ResolveError) throw new CliExit(2, error.message);
    throw error;
  }
}

/** The word after --action: invoice numbers for apply-to, a suggestion's number for apply-suggestion. */
function actionArgument(action: string, argument: string | undefined): { invoices?: string[]; suggestion?: number } {
  if (action === "apply-suggestion") {
    if (!argument || !/^\d+$/.test(argument))
      throw new CliExit(1, "apply-suggestion needs the suggestion's number: --action apply-suggestion 1");
    return { suggestion: Number(argument) };
  }
  const invoices = (argument ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  if (action === "apply-to" && !invoices.length)
    throw new CliExit(1, "apply-to needs invoice numbers: --action apply-to INV-1[,INV-2]");
  return { invoices };
}

/** `billpay exceptions suggest ID`: declared in src/cli/commands/exceptions.ts. */
export async function suggestAction(id: string, opts: { json?: boolean }): Promise<void> {
  if (!/^\d+$/.test(id)) throw new CliExit(1, `exception id must be a number, not "${id}"`);
  const suggestions = await withDatabase((db) => suggestionsFor(db, Number(id)));
  if (opts.json) return printJson(suggestions);
  if (!suggestions.length)
    return void process.stdout.write(
      `no suggestions for exception ${id} (only a wrong or unbilled account has them)\n`,
    );
  const lines = suggestions.map((s) =>
    [
      `${s.rank}. account …${s.accountNumber.slice(-4)} (${s.memberName}), score ${s.score.toFixed(2)}`,
      ...s.evidence.map((e) => `     - ${e.detail}`),
      `     pays: ${s.invoices.length ? s.invoices.map((i) => `${i.invoiceNumber} ${formatUsd(i.cents)}`).join(", ") : "no open invoice of this amount"}`,
    ].join("\n"),
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}
