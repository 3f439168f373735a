import { randomUUID } from "node:crypto";
import type { QueryResult, QueryRunner } from "typeorm";
import type { ErrorRecord } from "../model";
import { copyRows, type CopyValue } from "../store/copy";
import { auditInsertSql, changedFieldsSql } from "./audit-log";
import { takeRepeats } from "./invoice-repeats";
import { InvoiceStatistics } from "./invoice-statistics";
import { invoiceStateSql, statusForSql, type Invoice } from "./invoices";

/**
 * The set-based writer behind `invoices import`: each batch of checked rows is copied (COPY) into
 * a temporary table, its clashes with the invoices on file are found in one statement, and it is
 * applied with one more (lock the known invoices, decide, insert, update, audit) — never a query
 * per row. The caller runs it in one transaction and rolls back when anything was refused (unless
 * bad rows are skipped), so batches can be written as the file is read.
 *
 * What each row does is what the per-row upsert did: a new invoice number is created (open,
 * nothing paid); a known one is updated when any field the audit log shows changes (its status
 * follows the new amount due, unless written off), else left unchanged. A new invoice names the
 * import and its line (import_id, import_line), the import's one audit entry standing for all it
 * created (invoice-import-record.ts); each change gets its own entry, "imported from line N", in
 * line order. A row whose account, plan and month another invoice number already bills (as the
 * database stood before the import) is a conflict; a row repeating an earlier row of the file is
 * a duplicate (invoice-repeats.ts).
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
}

/** Rows copied and applied per batch: bounds the memory a batch holds and each statement's work. */
export const BATCH_ROWS = 5_000;

const STAGE = "invoice_import_rows";
/** The columns a batch is copied into; the others are filled for the rows that name a known invoice. */
const STAGE_COLUMNS = [
  "line",
  "invoice_number",
  "account_number",
  "member_name",
  "plan",
  "coverage_month",
  "amount_due_cents",
  "first_payment",
] as const;

/**
 * Bills this import moved an invoice away from, with that invoice's number: a later batch's row
 * for such a bill still clashes, as the database stood before the import.
 */
const VACATED = "invoice_import_vacated";
/** The import's staged rows, kept (not repeats): what a later row may repeat besides the invoices it created. */
const SEEN = "invoice_import_seen";
/** The rows refused as clashes: their invoice numbers are not on file, so the unique index does not tell their repeats. */
const CLASHED = "invoice_import_clashed";

// The staged rows are named like the invoices table's columns, so that invoiceStateSql reads both.
// A new invoice keeps the id, paid amount and status given here; before_state is null for it.
const OPEN = [
  // The audit expressions' estimates (jsonb_each per row) would have PostgreSQL compile each batch's
  // statements (JIT): seconds per batch, more than running them.
  `SET LOCAL jit = off`,
  `CREATE TEMPORARY TABLE ${STAGE} (
     line int NOT NULL, invoice_number text NOT NULL, account_number text NOT NULL, member_name text NOT NULL,
     plan text NOT NULL, coverage_month text NOT NULL, amount_due_cents bigint NOT NULL, first_payment boolean NOT NULL,
     id uuid NOT NULL DEFAULT gen_random_uuid(), paid_cents bigint NOT NULL DEFAULT 0, status text NOT NULL DEFAULT 'open',
     before_state jsonb
   ) ON COMMIT DROP`,
  `CREATE INDEX ON ${STAGE} (invoice_number)`,
  `CREATE INDEX ON ${STAGE} (account_number, plan, coverage_month)`,
  `CREATE TEMPORARY TABLE ${SEEN} (
     line int NOT NULL, invoice_number text NOT NULL, account_number text NOT NULL, plan text NOT NULL,
     coverage_month text NOT NULL
   ) ON COMMIT DROP`,
  `CREATE INDEX ON ${SEEN} (invoice_number)`,
  `CREATE INDEX ON ${SEEN} (account_number, plan, coverage_month)`,
  `CREATE TEMPORARY TABLE ${CLASHED} (line int NOT NULL, invoice_number text NOT NULL) ON COMMIT DROP`,
  `CREATE TEMPORARY TABLE ${VACATED} (
     account_number text NOT NULL, plan text NOT NULL, coverage_month text NOT NULL, invoice_number text NOT NULL
   ) ON COMMIT DROP`,
  `CREATE INDEX ON ${VACATED} (account_number, plan, coverage_month)`,
];

const SAME_BILL = (a: string) =>
  `${a}.account_number = s.account_number AND ${a}.plan = s.plan AND ${a}.coverage_month = s.coverage_month
   AND ${a}.invoice_number <> s.invoice_number`;

/** Per row, an index probe for the bill (a join would scan the whole, growing, invoices table per batch). */
const FIND_CLASHES = `
  SELECT s.line, c.invoice_number AS clash
    FROM ${STAGE} s
   CROSS JOIN LATERAL (
     SELECT i.invoice_number FROM invoices i WHERE ${SAME_BILL("i")}
     UNION ALL
     SELECT v.invoice_number FROM ${VACATED} v WHERE ${SAME_BILL("v")}
     LIMIT 1) c
   ORDER BY s.line`;

/** The batch's known invoices, locked for the rest of the transaction, as they are now. */
const READ_CURRENT = `
  UPDATE ${STAGE} s
     SET id = i.id,
         paid_cents = i.paid_cents,
         status = CASE WHEN i.status = 'written_off' THEN i.status ELSE ${statusForSql("i.paid_cents", "s.amount_due_cents")} END,
         before_state = ${invoiceStateSql("i")}
    FROM (SELECT * FROM invoices WHERE invoice_number = ANY(ARRAY(SELECT invoice_number FROM ${STAGE})) FOR UPDATE) i
   WHERE i.invoice_number = s.invoice_number`;

/** The invoices table's columns a new invoice is written with (not the CSV's: see invoice-columns.ts). */
const INVOICE_TABLE_COLUMNS = [
  "id",
  "invoice_number",
  "account_number",
  "member_name",
  "plan",
  "coverage_month",
  "amount_due_cents",
  "first_payment",
  "paid_cents",
  "status",
] as const;
const INVOICE_TABLE_LIST = INVOICE_TABLE_COLUMNS.join(", ");
/** With the import that creates an invoice, and the invoice's line in its file. */
const CREATED_COLUMNS = [...INVOICE_TABLE_COLUMNS, "import_id", "import_line"] as const;

const INSERT_CREATED = `
  INSERT INTO invoices (${CREATED_COLUMNS.join(", ")})
  SELECT ${INVOICE_TABLE_LIST}, $1::bigint, line FROM ${STAGE} WHERE before_state IS NULL`;

const REMEMBER = `
  INSERT INTO ${SEEN} (line, invoice_number, account_number, plan, coverage_month)
  SELECT line, invoice_number, account_number, plan, coverage_month FROM ${STAGE}`;

/** Whether an invoice the import created repeats the number of a row it refused as a clash. */
const REPEATS_CLASH = `
  SELECT EXISTS (
    SELECT 1 FROM ${CLASHED} c JOIN invoices i ON i.invoice_number = c.invoice_number
     WHERE i.import_id = $1 AND i.import_line > c.line) AS repeats`;

const CHANGES = `s.before_state IS NOT NULL AND ${invoiceStateSql("s")} IS DISTINCT FROM s.before_state`;

/** Updates the changed invoices, notes the bills they leave; returns how many changed, and moved to another bill. */
const UPDATE_CHANGED = `
  WITH changed AS (
    UPDATE invoices i
       SET account_number = s.account_number, member_name = s.member_name, plan = s.plan, coverage_month = s.coverage_month,
           amount_due_cents = s.amount_due_cents, first_payment = s.first_payment, status = s.status, updated_at = now()
      FROM ${STAGE} s
     WHERE ${CHANGES} AND i.id = s.id
    RETURNING s.invoice_number, s.account_number, s.plan, s.coverage_month,
              s.before_state->>'account_number' AS was_account, s.before_state->>'plan' AS was_plan,
              s.before_state->>'coverage_month' AS was_month
  ), vacated AS (
    INSERT INTO ${VACATED} (account_number, plan, coverage_month, invoice_number)
    SELECT was_account, was_plan, was_month, invoice_number FROM changed
     WHERE (account_number, plan, coverage_month) IS DISTINCT FROM (was_account, was_plan, was_month)
    RETURNING 1
  )
  SELECT (SELECT count(*)::int FROM changed) AS n, (SELECT count(*)::int FROM vacated) AS moved`;

const CHANGED = changedFieldsSql("s.before_state", invoiceStateSql("s"));

/** updated: before/after of the changed fields, in line order (creations are the import's one entry). */
const AUDIT = auditInsertSql(`
  SELECT $1::text, 'invoice', s.id::text, 'updated', ${CHANGED.before}, ${CHANGED.after},
         NULL::uuid, 'imported from line ' || s.line
    FROM ${STAGE} s
   WHERE ${CHANGES}
   ORDER BY s.line`);

function stageRow({ line, input: i }: CheckedRow): CopyValue[] {
  return [
    line,
    i.invoiceNumber,
    i.accountNumber,
    i.memberName,
    i.plan,
    i.coverageMonth,
    i.amountDueCents,
    i.firstPayment,
  ];
}

/** A row as the new invoice it creates (open, nothing paid), with its import and line. */
function createdRow({ line, input: i }: CheckedRow, importId: string): CopyValue[] {
  return [
    randomUUID(),
    i.invoiceNumber,
    i.accountNumber,
    i.memberName,
    i.plan,
    i.coverageMonth,
    i.amountDueCents,
    i.firstPayment,
    0,
    "open",
    importId,
    line,
  ];
}

const SAVEPOINT = "invoice_import_batch";

/** PostgreSQL's unique_violation, as the pg driver (also under TypeORM) and PGlite report it. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return e?.code === "23505" || e?.driverError?.code === "23505";
}

export interface UpsertOptions {
  actor: string;
  skipConflicts: boolean;
  /** The invoice_imports row the created invoices name. */
  importId: string;
}

/**
 * Writes checked rows a batch at a time inside the runner's transaction. A row that clashes with
 * an invoice on file is a conflict, a row repeating an earlier row of the file a duplicate: with
 * `skipConflicts` the batch's other rows are written, else writing stops (the caller rolls back)
 * while later batches are still checked, so that one run reports every bad row.
 */
export class InvoiceUpsert {
  readonly counts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
  readonly conflicts: ErrorRecord[] = [];
  private writing = true;
  /** Whether the last batch was all new invoices: the next is tried as such (createAll). */
  private allNew = true;
  /** Whether a batch moved an invoice to another bill: then the unique indexes no longer tell every clash. */
  private vacated = false;
  /** Whether a row was refused as a clash (see CLASHED). */
  private clashed = false;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly options: UpsertOptions,
    private readonly statistics: InvoiceStatistics,
  ) {}

  static async open(runner: QueryRunner, options: UpsertOptions): Promise<InvoiceUpsert> {
    for (const sql of OPEN) await runner.query(sql);
    return new InvoiceUpsert(runner, options, await InvoiceStatistics.read(runner));
  }

  /** From now on batches are only checked: something was refused and the import will be rolled back. */
  stopWriting(): void {
    this.writing = false;
  }

  get written(): boolean {
    return this.writing;
  }

  async write(batch: CheckedRow[]): Promise<void> {
    if (!batch.length) return;
    if (this.writing && this.allNew && !this.vacated && (await this.createAll(batch))) return;
    await this.statistics.keepUp(this.counts.created);
    await copyRows(this.runner, STAGE, STAGE_COLUMNS, batch.map(stageRow));
    const repeats = await takeRepeats(this.runner, { stage: STAGE, seen: SEEN }, this.options.importId);
    this.conflicts.push(...repeats);
    await this.runner.query(REMEMBER);
    const clashes = await this.findConflicts();
    if ((clashes.length || repeats.length) && !this.options.skipConflicts) this.writing = false;
    if (this.writing) {
      if (clashes.length) await this.runner.query(`DELETE FROM ${STAGE} WHERE line = ANY($1::int[])`, [clashes]);
      const known = await this.apply();
      this.allNew = !known && !clashes.length;
    }
    await this.runner.query(`TRUNCATE ${STAGE}`);
  }

  /**
   * The common case, a batch of new invoices, at the cost of COPY: the rows go straight into
   * invoices, naming the import and their lines (no audit entry each: the import's one entry
   * stands for them). The unique indexes say whether that was right: a row naming a known invoice,
   * a bill on file, or an earlier row's number or bill, is refused there; so is (by REPEATS_CLASH)
   * one repeating the number of a row refused as a clash. Then the batch is undone (to a
   * savepoint) and takes the checked way. Returns whether the batch was written.
   */
  private async createAll(batch: CheckedRow[]): Promise<boolean> {
    const { importId } = this.options;
    await this.runner.query(`SAVEPOINT ${SAVEPOINT}`);
    let written = true;
    try {
      await copyRows(
        this.runner,
        "invoices",
        CREATED_COLUMNS,
        batch.map((row) => createdRow(row, importId)),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      written = false;
    }
    if (written && this.clashed) {
      const [{ repeats }] = (await this.runner.query(REPEATS_CLASH, [importId])) as { repeats: boolean }[];
      written = !repeats;
    }
    if (!written) {
      await this.runner.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      this.allNew = false;
      return false;
    }
    await this.runner.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    this.counts.created += batch.length;
    return true;
  }

  /** The staged rows' conflicts, recorded; returns their lines. */
  private async findConflicts(): Promise<number[]> {
    const clashes = (await this.runner.query(FIND_CLASHES)) as { line: number; clash: string }[];
    if (clashes.length) {
      this.clashed = true;
      await this.runner.query(
        `INSERT INTO ${CLASHED} SELECT line, invoice_number FROM ${STAGE} WHERE line = ANY($1::int[])`,
        [clashes.map((c) => c.line)],
      );
    }
    for (const { line, clash } of clashes) {
      this.conflicts.push({
        code: "conflict",
        line,
        field: "invoice",
        message: `invoice ${clash} already bills this account, plan and month`,
      });
    }
    return clashes.map((c) => c.line);
  }

  /** Locks and reads the known invoices, inserts the new, updates the changed, audits the changes; returns how many were known. */
  private async apply(): Promise<number> {
    const known = await this.affected(READ_CURRENT);
    const created = await this.affected(INSERT_CREATED, [this.options.importId]);
    let updated = 0;
    let moved = 0;
    if (known) [{ n: updated, moved }] = (await this.runner.query(UPDATE_CHANGED)) as { n: number; moved: number }[];
    if (moved) this.vacated = true;
    if (updated) await this.runner.query(AUDIT, [this.options.actor]);
    this.counts.created += created;
    this.counts.updated += updated;
    this.counts.unchanged += known - updated;
    return known;
  }

  private async affected(sql: string, parameters: unknown[] = []): Promise<number> {
    const result = (await this.runner.query(sql, parameters, true)) as QueryResult;
    return result.affected ?? 0;
  }
}
