import { randomUUID } from "node:crypto";
import type { MatchStatus } from "../model";
import type { Sql } from "../store/sql";
import { columnsOf } from "../store/sql";
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

function decisionColumns(d: DecisionRecord): unknown[] {
  return [
    randomUUID(),
    d.paymentId,
    d.invoiceId,
    d.relatedPaymentId ?? null,
    d.rule,
    d.outcome,
    d.appliedCents,
    d.reason,
    d.decidedBy,
  ];
}

/** Decisions are never updated: an undo is another decision with negative applied cents. */
export async function recordDecision(sql: Sql, d: DecisionRecord): Promise<void> {
  await sql.query(
    `INSERT INTO match_decisions (id, payment_id, invoice_id, related_payment_id, rule, outcome, applied_cents, reason, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    decisionColumns(d),
  );
}

/**
 * The same rows as recordDecision one by one, in one statement. Each row's decided_at is a
 * microsecond after the one before it, so decisions read back (by decided_at) in this order.
 */
export async function recordDecisions(sql: Sql, ds: DecisionRecord[]): Promise<void> {
  if (!ds.length) return;
  await sql.query(
    `INSERT INTO match_decisions (id, payment_id, invoice_id, related_payment_id, rule, outcome, applied_cents, reason, decided_by, decided_at)
     SELECT id, payment_id, invoice_id, related_payment_id, rule, outcome, applied_cents, reason, decided_by,
            clock_timestamp() + ord * interval '1 microsecond'
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[])
            WITH ORDINALITY AS x(id, payment_id, invoice_id, related_payment_id, rule, outcome, applied_cents, reason, decided_by, ord)
      ORDER BY ord`,
    columnsOf(ds.map(decisionColumns), 9),
  );
}

/** Net applied cents by payment and invoice, for these payments (only pairs with money on them), ordered by invoice. */
export async function appliedByPayment(
  sql: Sql,
  paymentIds: string[],
): Promise<{ paymentId: string; invoiceId: string; cents: number }[]> {
  if (!paymentIds.length) return [];
  const rows = (await sql.query(
    `SELECT payment_id, invoice_id, sum(applied_cents)::text AS cents FROM match_decisions
      WHERE payment_id = ANY($1::uuid[]) AND invoice_id IS NOT NULL
      GROUP BY payment_id, invoice_id HAVING sum(applied_cents) <> 0 ORDER BY payment_id, invoice_id`,
    [paymentIds],
  )) as { payment_id: string; invoice_id: string; cents: string }[];
  return rows.map((r) => ({ paymentId: r.payment_id, invoiceId: r.invoice_id, cents: centsFromDb(r.cents) }));
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
