import type { PlanType } from "../model";
import type { InvoiceStatus } from "../store/entities/invoice.entity";
import { appendAudit, type AuditChange } from "./audit-log";
import type { Sql } from "../store/sql";
import { centsFromDb } from "../store/columns";

/** An invoice as matching sees it (snake_case columns mapped once, here). */
export interface Invoice {
  id: string;
  invoiceNumber: string;
  accountNumber: string;
  memberName: string;
  plan: PlanType;
  coverageMonth: string;
  amountDueCents: number;
  firstPayment: boolean;
  paidCents: number;
  status: InvoiceStatus;
}

interface InvoiceRow {
  id: string;
  invoice_number: string;
  account_number: string;
  member_name: string;
  plan: PlanType;
  coverage_month: string;
  amount_due_cents: string | number;
  first_payment: boolean;
  paid_cents: string | number;
  status: InvoiceStatus;
}

export function toInvoice(r: InvoiceRow): Invoice {
  return {
    id: r.id,
    invoiceNumber: r.invoice_number,
    accountNumber: r.account_number,
    memberName: r.member_name,
    plan: r.plan,
    coverageMonth: r.coverage_month,
    amountDueCents: centsFromDb(r.amount_due_cents),
    firstPayment: r.first_payment,
    paidCents: centsFromDb(r.paid_cents),
    status: r.status,
  };
}

/** What is still owed; never negative (an overpayment's excess is never applied). */
export function balanceCents(invoice: Pick<Invoice, "amountDueCents" | "paidCents" | "status">): number {
  if (invoice.status === "written_off") return 0;
  return Math.max(0, invoice.amountDueCents - invoice.paidCents);
}

export function statusFor(paidCents: number, amountDueCents: number): InvoiceStatus {
  if (paidCents >= amountDueCents) return "paid";
  return paidCents > 0 ? "partial" : "open";
}

/** statusFor in SQL, over two bigint expressions. */
export function statusForSql(paidCents: string, amountDueCents: string): string {
  return `CASE WHEN ${paidCents} >= ${amountDueCents} THEN 'paid' WHEN ${paidCents} > 0 THEN 'partial' ELSE 'open' END`;
}

/** The fields of an invoice that the audit log shows: its key there (the invoices column) → the field. */
const INVOICE_STATE_FIELDS = {
  invoice_number: "invoiceNumber",
  account_number: "accountNumber",
  member_name: "memberName",
  plan: "plan",
  coverage_month: "coverageMonth",
  amount_due_cents: "amountDueCents",
  first_payment: "firstPayment",
  paid_cents: "paidCents",
  status: "status",
} as const satisfies Record<string, keyof Invoice>;

/** The fields an invoice's audit entries show, as a jsonb object, from a row (`alias`) with the invoices table's columns. */
export function invoiceStateSql(alias: string): string {
  const pairs = Object.keys(INVOICE_STATE_FIELDS).map((column) => `'${column}', ${alias}.${column}`);
  return `jsonb_build_object(${pairs.join(", ")})`;
}

/** One invoice by its number, or by its id; locked. */
export async function findInvoice(sql: Sql, ref: string): Promise<Invoice | null> {
  const byId = /^[0-9a-f-]{36}$/i.test(ref);
  const rows = (await sql.query(
    `SELECT * FROM invoices WHERE ${byId ? "id = $1::uuid" : "invoice_number = $1"} FOR UPDATE`,
    [ref],
  )) as InvoiceRow[];
  return rows[0] ? toInvoice(rows[0]) : null;
}

/** Invoices of these accounts, and these invoices by id, each account's oldest month first; locked unless only read. */
export async function invoicesFor(sql: Sql, accounts: string[], ids: string[] = [], lock = true): Promise<Invoice[]> {
  if (!accounts.length && !ids.length) return [];
  const rows = (await sql.query(
    `SELECT * FROM invoices WHERE account_number = ANY($1::text[]) OR id = ANY($2::uuid[])
      ORDER BY account_number, coverage_month, plan${lock ? " FOR UPDATE" : ""}`,
    [accounts, ids],
  )) as InvoiceRow[];
  return rows.map(toInvoice);
}

/** The paid amount after adding (or, negative, removing) cents, and the status that goes with it. */
export function paidChange(invoice: Invoice, deltaCents: number): { paidCents: number; status: InvoiceStatus } {
  const paidCents = invoice.paidCents + deltaCents;
  if (paidCents < 0) throw new Error(`invoice ${invoice.invoiceNumber} would have a negative paid amount`);
  return { paidCents, status: statusFor(paidCents, invoice.amountDueCents) };
}

/**
 * Adds (or, negative, removes) applied cents on an invoice and recomputes its status, with an
 * audit entry. Removing money reopens a paid or written-off invoice.
 */
export async function changePaid(
  sql: Sql,
  invoice: Invoice,
  deltaCents: number,
  audit: { actor: string; action: string; paymentId: string; note?: string | null },
): Promise<Invoice> {
  return setInvoice(sql, invoice, paidChange(invoice, deltaCents), audit);
}

/** An invoice's new paid amount and status, and the audit entry that says so. */
export function invoiceChange(
  invoice: Invoice,
  change: { paidCents: number; status: InvoiceStatus },
  audit: { actor: string; action: string; paymentId: string | null; note?: string | null },
): { next: Invoice; entry: AuditChange } {
  const next: Invoice = { ...invoice, ...change };
  const entry: AuditChange = {
    actor: audit.actor,
    entity: "invoice",
    entityId: invoice.id,
    action: audit.action,
    before: { paid_cents: invoice.paidCents, status: invoice.status },
    after: { paid_cents: next.paidCents, status: next.status },
    paymentId: audit.paymentId,
    note: audit.note ?? null,
  };
  return { next, entry };
}

export async function setInvoice(
  sql: Sql,
  invoice: Invoice,
  change: { paidCents: number; status: InvoiceStatus },
  audit: { actor: string; action: string; paymentId: string | null; note?: string | null },
): Promise<Invoice> {
  const { next, entry } = invoiceChange(invoice, change, audit);
  await sql.query(`UPDATE invoices SET paid_cents = $2, status = $3, updated_at = now() WHERE id = $1`, [
    invoice.id,
    next.paidCents,
    next.status,
  ]);
  await appendAudit(sql, entry);
  return next;
}

/**
 * Writes these invoices' paid amounts and statuses, in one statement. The ids are given twice: as
 * a filter, they let the planner reach the rows by index; joined to the batch alone, it would
 * hash the whole (narrow) table for every batch.
 */
export async function writeInvoices(sql: Sql, invoices: Invoice[]): Promise<void> {
  if (!invoices.length) return;
  await sql.query(
    `UPDATE invoices i SET paid_cents = x.paid_cents, status = x.status, updated_at = now()
       FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS x(id, paid_cents, status)
      WHERE i.id = x.id AND i.id = ANY($1::uuid[])`,
    [invoices.map((i) => i.id), invoices.map((i) => i.paidCents), invoices.map((i) => i.status)],
  );
}
