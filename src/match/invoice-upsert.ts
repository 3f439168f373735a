import type { ErrorRecord } from "../model";
import { appendAuditRows, changedFieldsSql } from "./audit-log";
import type { Sql } from "../store/sql";
import { invoiceStateSql, statusForSql, type Invoice } from "./invoices";

/**
 * The set-based writer behind `invoices import`: checked rows are loaded into a temporary table a
 * batch at a time (one INSERT ... SELECT FROM unnest(arrays) per batch), clashes with the
 * invoices on file are found in one statement, then each batch is applied with a fixed handful
 * of statements (lock and read the current invoices, decide, insert, update, audit) — never a
 * query per row. The caller runs it in one transaction.
 *
 * What each row does is what the per-row upsert did: a new invoice number is created (open,
 * nothing paid); a known one is updated when any field the audit log shows changes (its status
 * follows the new amount due, unless written off), else left unchanged; each creation and change
 * gets one audit entry, "imported from line N", in line order. A row whose account, plan and month
 * another invoice number already bills (as the database stood before the import) is a conflict.
 */

/** One checked CSV row: an invoice before it has an id or any money applied. */
export type InvoiceInput = Omit<Invoice, "id" | "paidCents" | "status">;

export interface CheckedRow {
  line: number;
  input: InvoiceInput;
}

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused because another invoice already bills their account, plan and month. */
  conflicts: ErrorRecord[];
}

/** Rows loaded and applied per batch: bounds each statement's parameters and work. */
export const BATCH_ROWS = 10_000;

const STAGE = "invoice_import_rows";

// The staged rows, named like the invoices table's columns so that invoiceStateSql reads both.
const CREATE_STAGE = `
  CREATE TEMPORARY TABLE ${STAGE} (
    line int PRIMARY KEY,
    batch int NOT NULL,
    invoice_number text NOT NULL,
    account_number text NOT NULL,
    member_name text NOT NULL,
    plan text NOT NULL,
    coverage_month text NOT NULL,
    amount_due_cents bigint NOT NULL,
    first_payment boolean NOT NULL,
    clash text,
    id uuid,
    paid_cents bigint NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'open',
    before_state jsonb,
    outcome text
  ) ON COMMIT DROP`;

const STAGE_BATCH = `
  INSERT INTO ${STAGE} (batch, line, invoice_number, account_number, member_name, plan, coverage_month, amount_due_cents, first_payment)
  SELECT $1::int, u.* FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[]) AS u`;

const FIND_CLASHES = `
  WITH clashes AS (
    UPDATE ${STAGE} s SET clash = i.invoice_number
      FROM invoices i
     WHERE i.account_number = s.account_number AND i.plan = s.plan AND i.coverage_month = s.coverage_month
       AND i.invoice_number <> s.invoice_number
    RETURNING s.line, s.clash
  )
  SELECT line, clash FROM clashes ORDER BY line`;

/** The batch's known invoices, locked for the rest of the transaction, as they are now. */
const READ_CURRENT = `
  UPDATE ${STAGE} s
     SET id = i.id,
         paid_cents = i.paid_cents,
         status = CASE WHEN i.status = 'written_off' THEN i.status ELSE ${statusForSql("i.paid_cents", "s.amount_due_cents")} END,
         before_state = ${invoiceStateSql("i")}
    FROM (SELECT * FROM invoices
           WHERE invoice_number IN (SELECT invoice_number FROM ${STAGE} WHERE batch = $1 AND clash IS NULL)
             FOR UPDATE) i
   WHERE s.batch = $1 AND s.clash IS NULL AND i.invoice_number = s.invoice_number`;

const DECIDE = `
  UPDATE ${STAGE} s
     SET outcome = CASE WHEN s.before_state IS NULL THEN 'created'
                        WHEN ${invoiceStateSql("s")} IS DISTINCT FROM s.before_state THEN 'updated'
                        ELSE 'unchanged' END,
         id = coalesce(s.id, gen_random_uuid())
   WHERE s.batch = $1 AND s.clash IS NULL`;

const INSERT_CREATED = `
  INSERT INTO invoices (id, invoice_number, account_number, member_name, plan, coverage_month, amount_due_cents, first_payment, paid_cents, status)
  SELECT id, invoice_number, account_number, member_name, plan, coverage_month, amount_due_cents, first_payment, paid_cents, status
    FROM ${STAGE} WHERE batch = $1 AND outcome = 'created' ORDER BY line`;

const UPDATE_CHANGED = `
  UPDATE invoices i
     SET account_number = s.account_number, member_name = s.member_name, plan = s.plan, coverage_month = s.coverage_month,
         amount_due_cents = s.amount_due_cents, first_payment = s.first_payment, status = s.status, updated_at = now()
    FROM ${STAGE} s
   WHERE s.batch = $1 AND s.outcome = 'updated' AND i.id = s.id`;

const CHANGED = changedFieldsSql("s.before_state", invoiceStateSql("s"));

/** created: after = the new invoice; updated: before/after of the changed fields. */
const AUDIT_ROWS = `
  SELECT $2::text, 'invoice', s.id::text, s.outcome,
         CASE WHEN s.outcome = 'created' THEN NULL ELSE ${CHANGED.before} END,
         CASE WHEN s.outcome = 'created' THEN ${invoiceStateSql("s")} ELSE ${CHANGED.after} END,
         NULL::uuid, 'imported from line ' || s.line
    FROM ${STAGE} s
   WHERE s.batch = $1 AND s.outcome IN ('created', 'updated')
   ORDER BY s.line`;

/**
 * Upserts checked rows (unique invoice numbers and bills, as readInvoicesCsv leaves them). When a
 * row conflicts with an invoice on file and `skipConflicts` is not set, nothing is written and the
 * conflicts are returned; with it, the other rows are written. `checkOnly` finds the conflicts and
 * writes nothing.
 */
export async function upsertInvoiceRows(
  tx: Sql,
  rows: CheckedRow[],
  options: { actor: string; skipConflicts: boolean; checkOnly?: boolean; batchRows?: number },
): Promise<UpsertCounts> {
  const batches = await stageRows(tx, rows, options.batchRows ?? BATCH_ROWS);
  const conflicts = await findConflicts(tx);
  const counts: UpsertCounts = { created: 0, updated: 0, unchanged: 0, conflicts };
  if (!options.checkOnly && (!conflicts.length || options.skipConflicts)) {
    for (let batch = 0; batch < batches; batch++) await applyBatch(tx, batch, options.actor);
    Object.assign(counts, await countOutcomes(tx));
  }
  await tx.query(`DROP TABLE ${STAGE}`);
  return counts;
}

/** Loads the rows into the temporary table, one statement per batch; returns the number of batches. */
async function stageRows(tx: Sql, rows: CheckedRow[], batchRows: number): Promise<number> {
  await tx.query(CREATE_STAGE);
  let batches = 0;
  for (let start = 0; start < rows.length; start += batchRows, batches++) {
    const batch = rows.slice(start, start + batchRows);
    const column = <T>(pick: (input: InvoiceInput) => T) => batch.map((r) => pick(r.input));
    await tx.query(STAGE_BATCH, [
      batches,
      batch.map((r) => r.line),
      column((i) => i.invoiceNumber),
      column((i) => i.accountNumber),
      column((i) => i.memberName),
      column((i) => i.plan),
      column((i) => i.coverageMonth),
      column((i) => i.amountDueCents),
      column((i) => i.firstPayment),
    ]);
  }
  await tx.query(`CREATE INDEX ON ${STAGE} (batch)`);
  await tx.query(`ANALYZE ${STAGE}`);
  return batches;
}

async function findConflicts(tx: Sql): Promise<ErrorRecord[]> {
  const clashes = (await tx.query(FIND_CLASHES)) as { line: number; clash: string }[];
  return clashes.map(({ line, clash }) => ({
    code: "conflict",
    line,
    field: "invoice",
    message: `invoice ${clash} already bills this account, plan and month`,
  }));
}

async function applyBatch(tx: Sql, batch: number, actor: string): Promise<void> {
  await tx.query(READ_CURRENT, [batch]);
  await tx.query(DECIDE, [batch]);
  await tx.query(INSERT_CREATED, [batch]);
  await tx.query(UPDATE_CHANGED, [batch]);
  await appendAuditRows(tx, AUDIT_ROWS, [batch, actor]);
}

async function countOutcomes(tx: Sql): Promise<Pick<UpsertCounts, "created" | "updated" | "unchanged">> {
  const rows = (await tx.query(
    `SELECT outcome, count(*)::int AS n FROM ${STAGE} WHERE outcome IS NOT NULL GROUP BY outcome`,
  )) as { outcome: "created" | "updated" | "unchanged"; n: number }[];
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const { outcome, n } of rows) counts[outcome] = n;
  return counts;
}
