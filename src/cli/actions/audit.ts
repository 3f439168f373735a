import { auditForPayment, type AuditEntry } from "../../match/audit-log";
import { decisionsFor } from "../../match/decisions";
import { findPayment } from "../../match/payments";
import { formatUsd } from "../../model";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";

function describeChange(e: AuditEntry): string {
  const keys = [...new Set([...Object.keys(e.before ?? {}), ...Object.keys(e.after ?? {})])];
  const show = (v: unknown) => (v === undefined ? "-" : JSON.stringify(v));
  return keys
    .map((k) => (e.before ? `${k}: ${show(e.before[k])} → ${show(e.after?.[k])}` : `${k}: ${show(e.after?.[k])}`))
    .join("; ");
}

/** `billpay audit payment ID`: declared in src/cli/commands/audit.ts. */
export async function auditPaymentAction(ref: string, opts: { json?: boolean }): Promise<void> {
  const out = await withDatabase(async (db) => {
    const payment = await findPayment(db, ref);
    if (!payment) throw new CliExit(1, `no payment ${ref} (or the prefix is not unique)`);
    return {
      payment,
      entries: await auditForPayment(db, payment.id),
      decisions: await decisionsFor(db, payment.id),
    };
  });
  if (opts.json) return printJson(out);
  const p = out.payment;
  const lines = [
    `payment ${p.id}: ${p.kind} ${formatUsd(p.amountCents)} settled ${p.settledOn ?? "?"}, file ${p.fileName} line ${p.line}, now ${p.matchStatus}`,
    "",
    "audit log:",
    ...out.entries.map(
      (e) =>
        `  #${e.id} ${e.at} ${e.actor} ${e.entity} ${e.entityId.slice(0, 8)} ${e.action}: ${describeChange(e)}${e.note ? ` — ${e.note}` : ""}`,
    ),
    "",
    "matching decisions:",
    ...out.decisions.map(
      (d) =>
        `  ${d.decidedAt} ${d.decidedBy} ${d.rule} → ${d.outcome}${d.invoiceNumber ? ` ${d.invoiceNumber} ${formatUsd(d.appliedCents)}` : ""}: ${d.reason}`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
