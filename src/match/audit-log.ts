import type { QueryRunner } from "typeorm";
import { copyRows, type CopyValue } from "../store/copy";
import type { AuditEntity } from "../store/entities/audit-entry.entity";
import type { Sql } from "../store/sql";

/** Who made a change when no person did: the matching ladder, the import, the pipeline. */
export const SYSTEM_ACTOR = "billpay";

export interface AuditChange {
  actor: string;
  entity: AuditEntity;
  entityId: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** The payment this change concerns (its own change, its invoice's, its exception's). */
  paymentId?: string | null;
  note?: string | null;
}

export interface AuditEntry extends AuditChange {
  id: number;
  at: string;
}

/** The columns an entry is written with, in the order auditColumns and appendAuditRows give them. */
const AUDIT_COLUMN_NAMES = ["actor", "entity", "entity_id", "action", "before", "after", "payment_id", "note"] as const;
const AUDIT_COLUMNS = AUDIT_COLUMN_NAMES.join(", ");

/** An entry as the audit_log columns hold it: one way to write its content, alone or in bulk. */
function auditColumns(change: AuditChange): CopyValue[] {
  return [
    change.actor,
    change.entity,
    change.entityId,
    change.action,
    change.before === null ? null : JSON.stringify(change.before),
    change.after === null ? null : JSON.stringify(change.after),
    change.paymentId ?? null,
    change.note ?? null,
  ];
}

/** Appends one entry. Call it in the same transaction as the change, so both or neither persist. */
export async function appendAudit(sql: Sql, change: AuditChange): Promise<void> {
  await appendAuditRows(sql, `VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, auditColumns(change));
}

/** The same entries as appendAudit one by one, in this order (ids ascending), in one COPY. */
export async function appendAudits(runner: QueryRunner, changes: AuditChange[]): Promise<void> {
  if (!changes.length) return;
  await copyRows(runner, "audit_log", AUDIT_COLUMN_NAMES, changes.map(auditColumns));
}

/**
 * Appends many entries in one statement: `rows` is a VALUES list or a SELECT giving, in order,
 * actor, entity, entity_id, action, before (jsonb), after (jsonb), payment_id, note — the fields of
 * an AuditChange. Entries get ids in the order the rows come (ORDER BY them to keep an order).
 */
export async function appendAuditRows(sql: Sql, rows: string, parameters: unknown[]): Promise<void> {
  await sql.query(auditInsertSql(rows), parameters);
}

/** The INSERT appendAuditRows runs, for a statement that writes entries beside other changes (a WITH clause). */
export function auditInsertSql(rows: string): string {
  return `INSERT INTO audit_log (${AUDIT_COLUMNS}) ${rows}`;
}

/**
 * The fields of `after` that differ from `before`, as a before/after pair, each field under its
 * name in `names` when given (a column name for a property); null when nothing changed, so
 * callers write neither the row nor an audit entry (idempotent re-runs).
 */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  names?: Record<string, string>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  let b: Record<string, unknown> | null = null;
  let a: Record<string, unknown> | null = null;
  for (const key in after) {
    const was = before[key] ?? null;
    const now = after[key] ?? null;
    if (sameJson(was, now)) continue;
    const name = names?.[key] ?? key;
    (b ??= {})[name] = was;
    (a ??= {})[name] = now;
  }
  return a && b ? { before: b, after: a } : null;
}

/**
 * Whether two values read the same as JSON (JSON.stringify(a) === JSON.stringify(b)), without
 * writing either out: matching compares every changed field of every payment, findings included.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && sameElements(a, b);
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return sameEntries(a as Record<string, unknown>, b as Record<string, unknown>);
}

function sameElements(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  // JSON writes a missing element (undefined) as null.
  for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
  return true;
}

/** The same keys in the same order (JSON text is order-sensitive) with the same values; undefined ones are not written. */
function sameEntries(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i] || !sameJson(a[ka[i]], b[kb[i]])) return false;
  return true;
}

/**
 * changedFields in SQL, for set-based writers: given two jsonb expressions, the `before` and
 * `after` objects of the keys of `after` whose values differ (a missing key counts as null), or
 * NULL for both when nothing changed.
 */
export function changedFieldsSql(before: string, after: string): { before: string; after: string } {
  const pick = (side: "b" | "a") =>
    `(SELECT jsonb_object_agg(a.key, coalesce(${side}.value, 'null'::jsonb))
        FROM jsonb_each(${after}) a LEFT JOIN jsonb_each(${before}) b USING (key)
       WHERE coalesce(b.value, 'null'::jsonb) IS DISTINCT FROM a.value)`;
  return { before: pick("b"), after: pick("a") };
}

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  entity: AuditEntity;
  entity_id: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  payment_id: string | null;
  note: string | null;
}

/** One payment's history: its file's ledger changes, its own, and those of its invoices and exceptions. */
export async function auditForPayment(sql: Sql, paymentId: string): Promise<AuditEntry[]> {
  const rows = (await sql.query(
    `SELECT a.* FROM audit_log a
      WHERE a.payment_id = $1
         OR (a.entity = 'payment' AND a.entity_id = $1::text)
         OR (a.entity = 'file' AND a.entity_id = (SELECT file_id::text FROM payments WHERE id = $1))
      ORDER BY a.id`,
    [paymentId],
  )) as AuditRow[];
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    entity: r.entity,
    entityId: r.entity_id,
    action: r.action,
    before: r.before,
    after: r.after,
    paymentId: r.payment_id,
    note: r.note,
  }));
}
