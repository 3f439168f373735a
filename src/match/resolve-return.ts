import { formatUsd } from "../model";
import { returnsPolicy } from "../returns/policy";
import type { Sql } from "../store/sql";
import { closeRemainingOf, type QueuedException } from "./exceptions";
import { appendAudit } from "./audit-log";
import { updatePayment, type StoredPayment } from "./payments";
import { ResolveError } from "./resolve-error";
import { takeBackApplications } from "./take-back";

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
  const applied = await takeBackApplications(tx, payment, {
    rule: "return",
    outcome: "to_return",
    action: "payment_returned",
    by: req.by,
    note: why,
    reason: (cents, invoice) =>
      invoice
        ? `${formatUsd(cents)} taken off invoice ${invoice.invoiceNumber}, payment ${why}`
        : `${formatUsd(cents)} ${why}`,
  });
  const rows = (await tx.query(
    `INSERT INTO payment_returns (payment_id, aggregator, reason_code, cause, exception_id, requested_by, note)
     VALUES ($1, $2, $3, 'resolved', $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING RETURNING id`,
    [payment.id, payment.aggregator, reason, e.id, req.by, req.note],
  )) as { id: string }[];
  if (!rows.length) throw new ResolveError(`payment ${payment.id} is already being returned`);
  await updatePayment(tx, payment, { matchStatus: "to_return" }, { actor: req.by, action: "to_return", note: why });
  const others = await closeRemainingOf(tx, [payment.id], new Set([e.id]), () => ({
    action: `return ${reason}`,
    by: req.by,
    note: `the payment is to be returned (exception ${e.id}): ${req.note}`,
  }));
  for (const entry of others) await appendAudit(tx, entry);
  return { label: `return ${reason}`, applied };
}
