import { randomUUID } from "node:crypto";
import type { MatchStatus } from "../model";
import type { Sql } from "../store/sql";
import type { QueryRunner } from "typeorm";
import { copyRows, type CopyValue } from "../store/copy";
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

const DECISION_COLUMNS = [
  "id",
  "payment_id",
  "invoice_id",
  "related_payment_id",
  "rule",
  "outcome",
  "applied_cents",
  "reason",
  "decided_by",
  "decided_at",
] as const;

function decisionColumns(d: DecisionRecord): CopyValue[] {
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
 * The same rows as recordDecision one by one, in one COPY. Each row's decided_at is a microsecond
 * after the one before it, counted from the database's clock, so decisions read back (by
 * decided_at) in this order.
 */
export async function recordDecisions(runner: QueryRunner, ds: DecisionRecord[]): Promise<void> {
  if (!ds.length) return;
  const rows = (await runner.query(
    `SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS micros`,
  )) as { micros: string }[];
  const start = Number(rows[0].micros);
  await copyRows(
    runner,
    "match_decisions",
    DECISION_COLUMNS,
    ds.map((d, i) => [...decisionColumns(d), timestampOfMicros(start + i + 1)]),
  );
}

/** Microseconds since the epoch as a timestamptz literal, to the microsecond (a Date keeps milliseconds only). */
function timestampOfMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  return `${new Date(millis).toISOString().slice(0, 23)}${String(micros - millis * 1000).padStart(3, "0")}Z`;
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
