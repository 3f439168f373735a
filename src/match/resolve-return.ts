import { formatUsd } from "../model";
import { returnsPolicy } from "../returns/policy";
import type { Sql } from "../store/sql";
import { appliedByInvoice, recordDecision } from "./decisions";
import { closeRemainingOf, type QueuedException } from "./exceptions";
import { appendAudit } from "./audit-log";
import { changePaid, findInvoice } from "./invoices";
import { updatePayment, type StoredPayment } from "./payments";
import { ResolveError } from "./resolve-error";

/** What `--action return` needs beyond what every resolution has. */
export interface ReturnRequest {
  reason?: string;
  note: string;
  by: string;
}

/** The statuses a payment may be returned from: not one already going back, gone back or reversed. */
const NOT_RETURNABLE = new Set(["to_return", "returned", "reversed"]);

function checkReturnable(id: number, p: StoredPayment | null, reason: string | undefined): string {
  if (!p || p.kind !== "payment" || p.status !== "active")
    throw new ResolveError(`exception ${id} has no received payment to return`);
  if (NOT_RETURNABLE.has(p.matchStatus))
    throw new ResolveError(`payment ${p.id} is ${p.matchStatus}; it cannot be returned`);
  const allowed = returnsPolicy(p.policy).reasons as string[];
  if (!reason) throw new ResolveError(`return needs --reason, one of ${allowed.join(", ")}`);
  if (!allowed.includes(reason))
    throw new ResolveError(`reason ${reason} is not one aggregator ${p.aggregator} accepts (${allowed.join(", ")})`);
  return reason;
}

/**
 * Resolves an exception as a return to the network: whatever the payment applied is taken off
 * (its invoices reopen), a payment_returns row asks the next return file to carry it, and the
 * payment becomes `to_return`. The row's unique payment id refuses a second return, also one
 * asked by a concurrent transaction.
 */
export async function resolveAsReturn(
  tx: Sql,
  e: QueuedException,
  p: StoredPayment | null,
  req: ReturnRequest,
): Promise<{ label: string; applied: { invoiceNumber: string; cents: number }[] }> {
  const reason = checkReturnable(e.id, p, req.reason);
  const payment = p as StoredPayment;
  const why = `to be returned (${reason}) by ${req.by}: ${req.note}`;
  const applied = await undoApplications(tx, payment, why, req.by);
  const rows = (await tx.query(
    `INSERT INTO payment_returns (payment_id, aggregator, reason_code, cause, exception_id, requested_by, note)
     VALUES ($1, $2, $3, 'resolved', $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING RETURNING id`,
    [payment.id, payment.aggregator, reason, e.id, req.by, req.note],
  )) as { id: string }[];
  if (!rows.length) throw new ResolveError(`payment ${payment.id} is already being returned`);
  if (!applied.length)
    await recordDecision(tx, {
      paymentId: payment.id,
      invoiceId: null,
      rule: "return",
      outcome: "to_return",
      appliedCents: 0,
      reason: `${formatUsd(payment.amountCents)} ${why}`,
      decidedBy: req.by,
    });
  await updatePayment(tx, payment, { matchStatus: "to_return" }, { actor: req.by, action: "to_return", note: why });
  const others = await closeRemainingOf(tx, [payment.id], new Set([e.id]), () => ({
    action: `return ${reason}`,
    by: req.by,
    note: `the payment is to be returned (exception ${e.id}): ${req.note}`,
  }));
  for (const entry of others) await appendAudit(tx, entry);
  return { label: `return ${reason}`, applied };
}

async function undoApplications(
  tx: Sql,
  p: StoredPayment,
  why: string,
  by: string,
): Promise<{ invoiceNumber: string; cents: number }[]> {
  const applied: { invoiceNumber: string; cents: number }[] = [];
  for (const a of await appliedByInvoice(tx, p.id)) {
    const invoice = await findInvoice(tx, a.invoiceId);
    if (!invoice) continue;
    await changePaid(tx, invoice, -a.cents, { actor: by, note: why, action: "payment_returned", paymentId: p.id });
    await recordDecision(tx, {
      paymentId: p.id,
      invoiceId: invoice.id,
      rule: "return",
      outcome: "to_return",
      appliedCents: -a.cents,
      reason: `${formatUsd(a.cents)} taken off invoice ${invoice.invoiceNumber}, payment ${why}`,
      decidedBy: by,
    });
    applied.push({ invoiceNumber: invoice.invoiceNumber, cents: -a.cents });
  }
  return applied;
}
