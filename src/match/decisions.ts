import { randomUUID } from "node:crypto";
import type { MatchStatus } from "../model";
import type { Sql } from "./audit-log";
import { centsFromDb } from "../store/columns";

export interface DecisionRecord {
  paymentId: string;
  invoiceId: string | null;
  relatedPaymentId?: string | null;
  rule: string;
  outcome: MatchStatus;
  appliedCents: number;
  reason: string;
  decidedBy: string;
}

/** Decisions are never updated: an undo is another decision with negative applied cents. */
export async function recordDecision(sql: Sql, d: DecisionRecord): Promise<void> {
  await sql.query(
    `INSERT INTO match_decisions (id, payment_id, invoice_id, related_payment_id, rule, outcome, applied_cents, reason, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      randomUUID(),
      d.paymentId,
      d.invoiceId,
      d.relatedPaymentId ?? null,
      d.rule,
      d.outcome,
      d.appliedCents,
      d.reason,
      d.decidedBy,
    ],
  );
}

/** What a payment has applied to each invoice, net of undos (only invoices with money on them). */
export async function appliedByInvoice(sql: Sql, paymentId: string): Promise<{ invoiceId: string; cents: number }[]> {
  const rows = (await sql.query(
    `SELECT invoice_id, sum(applied_cents)::text AS cents FROM match_decisions
      WHERE payment_id = $1 AND invoice_id IS NOT NULL GROUP BY invoice_id HAVING sum(applied_cents) <> 0 ORDER BY invoice_id`,
    [paymentId],
  )) as { invoice_id: string; cents: string }[];
  return rows.map((r) => ({ invoiceId: r.invoice_id, cents: centsFromDb(r.cents) }));
}

export interface DecisionView {
  rule: string;
  outcome: string;
  invoiceNumber: string | null;
  appliedCents: number;
  reason: string;
  decidedBy: string;
  decidedAt: string;
}

export async function decisionsFor(sql: Sql, paymentId: string): Promise<DecisionView[]> {
  const rows = (await sql.query(
    `SELECT d.rule, d.outcome, i.invoice_number, d.applied_cents::text AS applied, d.reason, d.decided_by, d.decided_at
       FROM match_decisions d LEFT JOIN invoices i ON i.id = d.invoice_id
      WHERE d.payment_id = $1 ORDER BY d.decided_at, d.id`,
    [paymentId],
  )) as {
    rule: string;
    outcome: string;
    invoice_number: string | null;
    applied: string;
    reason: string;
    decided_by: string;
    decided_at: Date;
  }[];
  return rows.map((r) => ({
    rule: r.rule,
    outcome: r.outcome,
    invoiceNumber: r.invoice_number,
    appliedCents: centsFromDb(r.applied),
    reason: r.reason,
    decidedBy: r.decided_by,
    decidedAt: new Date(r.decided_at).toISOString(),
  }));
}
