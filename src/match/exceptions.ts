import { appendAudit, type AuditChange } from "./audit-log";
import type { Sql } from "../store/sql";
import type { ExceptionDraft } from "./ladder";
import { centsFromDb } from "../store/columns";
import { policiesByHash } from "../store/payee-policies";
import { returnBy, UNIDENTIFIED_REASONS } from "../returns/policy";

export interface QueuedException {
  id: number;
  paymentId: string | null;
  invoiceId: string | null;
  reason: string;
  message: string;
  amountCents: number;
  status: "open" | "resolved";
  details: Record<string, unknown>;
  openedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
  note: string | null;
}

interface ExceptionRow {
  id: string;
  payment_id: string | null;
  invoice_id: string | null;
  reason: string;
  message: string;
  amount_cents: string;
  status: "open" | "resolved";
  details: Record<string, unknown>;
  opened_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
  note: string | null;
}

export function toException(r: ExceptionRow): QueuedException {
  return {
    id: Number(r.id),
    paymentId: r.payment_id,
    invoiceId: r.invoice_id,
    reason: r.reason,
    message: r.message,
    amountCents: centsFromDb(r.amount_cents),
    status: r.status,
    details: r.details,
    openedAt: new Date(r.opened_at).toISOString(),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
    note: r.note,
  };
}

/** What the audit log shows of an exception. */
export function exceptionState(
  e: Pick<QueuedException, "status" | "reason" | "amountCents" | "resolution" | "resolvedBy">,
): Record<string, unknown> {
  return {
    status: e.status,
    reason: e.reason,
    amount_cents: e.amountCents,
    resolution: e.resolution,
    resolved_by: e.resolvedBy,
  };
}

/** The audit entry of an exception queued for a payment. */
export function openedEntry(id: number, paymentId: string, draft: ExceptionDraft, actor: string): AuditChange {
  return {
    actor,
    entity: "exception",
    entityId: String(id),
    action: "opened",
    before: null,
    after: {
      ...exceptionState({
        status: "open",
        reason: draft.reason,
        amountCents: draft.amountCents,
        resolution: null,
        resolvedBy: null,
      }),
      message: draft.message,
    },
    paymentId,
  };
}

export async function getException(sql: Sql, id: number, lock = false): Promise<QueuedException | null> {
  const rows = (await sql.query(`SELECT * FROM exceptions WHERE id = $1${lock ? " FOR UPDATE" : ""}`, [
    id,
  ])) as ExceptionRow[];
  return rows[0] ? toException(rows[0]) : null;
}

/** Closes an open exception with a resolution and an audit entry. */
export async function closeException(
  sql: Sql,
  e: QueuedException,
  resolution: { action: string; by: string; note: string | null },
): Promise<QueuedException> {
  await sql.query(
    `UPDATE exceptions SET status = 'resolved', resolved_at = now(), resolved_by = $2, resolution = $3, note = $4 WHERE id = $1`,
    [e.id, resolution.by, resolution.action, resolution.note],
  );
  const { next, entry } = closing(e, resolution);
  await appendAudit(sql, entry);
  return next;
}

/** An open exception closed with a resolution, and the audit entry that says so. */
export function closing(
  e: QueuedException,
  resolution: { action: string; by: string; note: string | null },
): { next: QueuedException; entry: AuditChange } {
  const next: QueuedException = {
    ...e,
    status: "resolved",
    resolvedBy: resolution.by,
    resolution: resolution.action,
    note: resolution.note,
  };
  const entry: AuditChange = {
    actor: resolution.by,
    entity: "exception",
    entityId: String(e.id),
    action: "resolved",
    before: exceptionState(e),
    after: exceptionState(next),
    paymentId: e.paymentId,
    note: resolution.note,
  };
  return { next, entry };
}

/** The open exceptions of these payments, oldest first; locked. */
export async function openExceptionsOf(sql: Sql, paymentIds: string[]): Promise<QueuedException[]> {
  if (!paymentIds.length) return [];
  const rows = (await sql.query(
    `SELECT * FROM exceptions WHERE payment_id = ANY($1::uuid[]) AND status = 'open' ORDER BY id FOR UPDATE`,
    [paymentIds],
  )) as ExceptionRow[];
  return rows.map(toException);
}

/**
 * Closes the other open exceptions of these payments (all but `except`), each with the resolution
 * `resolutionOf` gives, in one statement: a payment going back to its sender leaves nothing in the
 * queue to work. Returns their audit entries, to append with the rest of the change.
 */
export async function closeRemainingOf(
  sql: Sql,
  paymentIds: string[],
  except: ReadonlySet<number>,
  resolutionOf: (e: QueuedException) => { action: string; by: string; note: string | null },
): Promise<AuditChange[]> {
  const closed = (await openExceptionsOf(sql, paymentIds))
    .filter((e) => !except.has(e.id))
    .map((e) => closing(e, resolutionOf(e)));
  await writeResolutions(
    sql,
    closed.map((c) => c.next),
  );
  return closed.map((c) => c.entry);
}

/**
 * Ids for exceptions about to be written, from the table's own sequence, ascending: written with
 * them, exceptions queued in one statement keep the order (and the ids) one by one would give.
 */
export async function reserveExceptionIds(sql: Sql, count: number): Promise<number[]> {
  if (!count) return [];
  const rows = (await sql.query(
    `SELECT nextval(pg_get_serial_sequence('exceptions', 'id'))::text AS id FROM generate_series(1, $1::int)`,
    [count],
  )) as { id: string }[];
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Writes new exceptions (with reserved ids) as they now are, open or already resolved, in one statement. */
export async function insertExceptions(sql: Sql, es: QueuedException[]): Promise<void> {
  if (!es.length) return;
  const column = <K extends keyof QueuedException>(k: K) => es.map((e) => e[k]);
  await sql.query(
    `INSERT INTO exceptions (id, payment_id, invoice_id, reason, message, amount_cents, status, details, resolved_at, resolved_by, resolution, note)
     OVERRIDING SYSTEM VALUE
     SELECT id, payment_id, invoice_id, reason, message, amount_cents, status, details::jsonb,
            CASE WHEN status = 'resolved' THEN now() END, resolved_by, resolution, note
       FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
            AS x(id, payment_id, invoice_id, reason, message, amount_cents, status, details, resolved_by, resolution, note)
      ORDER BY id`,
    [
      column("id"),
      column("paymentId"),
      column("invoiceId"),
      column("reason"),
      column("message"),
      column("amountCents"),
      column("status"),
      es.map((e) => JSON.stringify(e.details)),
      column("resolvedBy"),
      column("resolution"),
      column("note"),
    ],
  );
}

/** Closes these (stored, open) exceptions as they now are, resolved, in one statement. */
export async function writeResolutions(sql: Sql, es: QueuedException[]): Promise<void> {
  if (!es.length) return;
  await sql.query(
    `UPDATE exceptions e SET status = 'resolved', resolved_at = now(), resolved_by = x.resolved_by, resolution = x.resolution, note = x.note
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS x(id, resolved_by, resolution, note) WHERE e.id = x.id`,
    [es.map((e) => e.id), es.map((e) => e.resolvedBy), es.map((e) => e.resolution), es.map((e) => e.note)],
  );
}

export interface ExceptionFilter {
  reason?: string;
  status?: "open" | "resolved" | "all";
}

/** A queued exception with what a person needs to act on it. */
export interface ExceptionView extends QueuedException {
  ageDays: number;
  payment: {
    kind: string;
    accountLast4: string | null;
    payerName: string | null;
    settledOn: string | null;
    fileName: string;
    matchStatus: string;
  } | null;
  invoiceNumber: string | null;
  /**
   * Open invalid/unknown-account exceptions: the day by which the payment goes back to the network
   * unless a person acts (`billpay returns build` collects it from then on); null otherwise.
   */
  returnBy: string | null;
}

export async function listExceptions(sql: Sql, filter: ExceptionFilter = {}): Promise<ExceptionView[]> {
  const status = filter.status ?? "open";
  const rows = (await sql.query(
    `SELECT e.*, floor(extract(epoch FROM (now() - e.opened_at)) / 86400)::int AS age_days,
            p.kind, right(coalesce(p.account_number, p.account_raw), 4) AS last4, p.payer_name, p.settled_on::text AS settled_on,
            p.match_status, f.name AS file_name, f.policy_hash, i.invoice_number
       FROM exceptions e
       LEFT JOIN payments p ON p.id = e.payment_id
       LEFT JOIN remittance_files f ON f.id = p.file_id
       LEFT JOIN invoices i ON i.id = e.invoice_id
      WHERE ($1::text IS NULL OR e.reason = $1) AND ($2 = 'all' OR e.status = $2)
      ORDER BY e.id`,
    [filter.reason ?? null, status],
  )) as (ExceptionRow & {
    age_days: number;
    kind: string | null;
    last4: string | null;
    payer_name: string | null;
    settled_on: string | null;
    match_status: string;
    file_name: string;
    policy_hash: string | null;
    invoice_number: string | null;
  })[];
  const policyOf = await policiesByHash(
    sql,
    rows.map((r) => r.policy_hash),
  );
  const unidentified: readonly string[] = UNIDENTIFIED_REASONS;
  return rows.map((r) => ({
    ...toException(r),
    ageDays: r.age_days,
    payment: r.kind
      ? {
          kind: r.kind,
          accountLast4: r.last4,
          payerName: r.payer_name,
          settledOn: r.settled_on,
          fileName: r.file_name,
          matchStatus: r.match_status,
        }
      : null,
    invoiceNumber: r.invoice_number,
    returnBy:
      r.status === "open" && unidentified.includes(r.reason) ? returnBy(r.settled_on, policyOf(r.policy_hash)) : null,
  }));
}
