import { randomUUID } from "node:crypto";
import type { QueryRunner } from "typeorm";
import { copyRows, openCopy, type CopySink, type CopyValue } from "../store/copy";
import type { AssessedPayment, ParsedBankEntry } from "./read-remittance";

const PAYMENT_COLUMNS = [
  "id",
  "file_id",
  "aggregator",
  "line",
  "kind",
  "source_ref",
  "amount_cents",
  "currency",
  "payer_name",
  "account_raw",
  "account_number",
  "account_status",
  "initiated_on",
  "settled_on",
  "coverage_month",
  "due_on",
  "lead_days",
  "timing_status",
  "earliest_coverage_start",
  "plan_type",
  "method",
  "reason_code",
  "original_ref",
  "status",
  "duplicate_of",
  "match_status",
  "findings",
  "details",
  "raw",
] as const;

const ENTRY_COLUMNS = [
  "id",
  "file_id",
  "aggregator",
  "line",
  "direction",
  "amount_cents",
  "currency",
  "bank_account",
  "type_code",
  "bank_ref",
  "customer_ref",
  "text",
  "booked_on",
  "value_on",
  "details",
  "raw",
] as const;

/** A payment as a COPY row of PAYMENT_COLUMNS: always `active` here; the staging path marks duplicates. */
function paymentRow(fileId: string, aggregator: string, p: AssessedPayment): CopyValue[] {
  return [
    randomUUID(),
    fileId,
    aggregator,
    p.line,
    p.kind,
    p.sourceRef,
    p.amountCents,
    p.currency,
    p.payerName,
    p.accountRaw,
    p.accountNumber,
    p.accountStatus,
    p.initiatedOn,
    p.settledOn,
    p.coverageMonth,
    p.dueOn,
    p.leadDays,
    p.timingStatus,
    p.earliestCoverageStart,
    p.planType,
    p.method,
    p.reasonCode,
    p.originalRef,
    "active",
    null,
    "unmatched",
    p.findings,
    p.details,
    p.raw,
  ];
}

function* bankEntryRows(fileId: string, aggregator: string, batch: ParsedBankEntry[]): Generator<CopyValue[]> {
  for (const e of batch) {
    yield [
      randomUUID(),
      fileId,
      aggregator,
      e.line,
      e.direction,
      e.amountCents,
      e.currency,
      e.bankAccount,
      e.typeCode,
      e.bankRef,
      e.customerRef,
      e.text,
      e.bookedOn,
      e.valueOn,
      e.details,
      e.raw,
    ];
  }
}

/** Where a batch of payments lands first (this session only, dropped when the file's transaction ends). */
const STAGING = "billpay_payment_staging";
const COLUMN_LIST = PAYMENT_COLUMNS.join(", ");
const IDENTITY_CONFLICT =
  "ON CONFLICT (aggregator, source_ref, settled_on, amount_cents, kind) WHERE status = 'active' AND source_ref IS NOT NULL";
const DUPLICATE_FINDING = {
  code: "duplicate_payment",
  message: "the same payment (trace, date, amount, kind) was already received; stored once as money",
  severity: "warning" as const,
};

/** A staged payment the identity index turned away, as a `duplicate` row linked to the active one. */
const DUPLICATE_SELECT = PAYMENT_COLUMNS.map((c) => {
  if (c === "status") return "'duplicate'";
  if (c === "duplicate_of") return "o.id";
  if (c === "findings") return "s.findings || $1::jsonb";
  return `s.${c}`;
}).join(", ");

/**
 * How a file's payments reach `payments`. `direct`: each batch is COPYed straight in, written once;
 * the identity index refuses the COPY if any payment is already active (resent in another file, or
 * earlier in this one), and the caller posts the file again from scratch, `staged`. `staged`: each
 * batch is copied into a staging table, then moved into `payments` in file order under the identity
 * index; a payment already active is stored as `duplicate`, linked to the first.
 */
export type PostingMode = "direct" | "staged";

type PgError = { code?: string; constraint?: string; driverError?: PgError };

/**
 * Whether a direct posting failed on a payment already active, or being posted by another file at
 * the same time (unique_violation on the identity index; deadlock_detected when two postings wait
 * on each other's payments).
 */
export function isPaymentConflict(error: unknown): boolean {
  const e = (error ?? {}) as PgError;
  const code = e.code ?? e.driverError?.code;
  const constraint = e.constraint ?? e.driverError?.constraint;
  return code === "40P01" || (code === "23505" && constraint === "uq_payments_identity");
}

/**
 * Writes one file's rows inside its posting transaction with COPY, a batch at a time. Each payment
 * becomes COPY text as it arrives, streamed to the database while the file is still being read
 * (node parses while PostgreSQL inserts), so no batch of payment objects is held. Bank entries have
 * no identity; they are gathered and copied straight into `bank_entries` at the batch's end.
 */
export class PaymentWriter {
  /** Payments that repeat one already active (staged mode only). */
  duplicates = 0;
  private copy: CopySink | null = null;
  private opening: Promise<void> | null = null;
  private batchRows = 0;
  private stagingMade = false;
  private entries: ParsedBankEntry[] = [];

  constructor(
    private readonly runner: QueryRunner,
    private readonly fileId: string,
    private readonly aggregator: string,
    private readonly mode: PostingMode,
  ) {}

  /** Adds a payment to the batch; a promise when the caller should wait for the database. */
  payment(p: AssessedPayment): Promise<void> | undefined {
    const row = paymentRow(this.fileId, this.aggregator, p);
    // Its place in the batch: of two equal payments, the first in the file wins.
    if (this.mode === "staged") row.push(this.batchRows);
    this.batchRows += 1;
    if (this.copy) return this.copy.write(row);
    this.opening ??= this.openBatch();
    return this.opening.then(() => this.copy?.write(row));
  }

  bankEntry(e: ParsedBankEntry): void {
    this.entries.push(e);
  }

  /** Ends the batch: its payments are in `payments` (and duplicates counted), its bank entries copied. */
  async endBatch(): Promise<void> {
    if (this.opening) await this.opening;
    const copy = this.copy;
    this.copy = null;
    this.opening = null;
    if (copy) {
      await copy.end();
      if (this.mode === "staged") this.duplicates += await this.moveStaged(this.batchRows);
    }
    this.batchRows = 0;
    if (this.entries.length) {
      await copyRows(
        this.runner,
        "bank_entries",
        ENTRY_COLUMNS,
        bankEntryRows(this.fileId, this.aggregator, this.entries),
      );
      this.entries = [];
    }
  }

  /** Cancels the batch's COPY so that the connection can roll back. */
  async abort(reason: Error): Promise<void> {
    await this.opening?.catch(() => undefined);
    const copy = this.copy;
    this.copy = null;
    this.opening = null;
    await copy?.abort(reason);
  }

  private async openBatch(): Promise<void> {
    if (this.mode === "direct") {
      this.copy = await openCopy(this.runner, "payments", PAYMENT_COLUMNS);
      return;
    }
    if (!this.stagingMade) {
      await this.runner.query(
        `CREATE TEMP TABLE ${STAGING} (LIKE payments INCLUDING DEFAULTS, seq integer NOT NULL) ON COMMIT DROP`,
      );
      this.stagingMade = true;
    }
    this.copy = await openCopy(this.runner, STAGING, [...PAYMENT_COLUMNS, "seq"]);
  }

  /** Moves the staged batch into `payments`; returns how many were duplicates. */
  private async moveStaged(batchRows: number): Promise<number> {
    const inserted = (await this.runner.query(
      `WITH moved AS (
         INSERT INTO payments (${COLUMN_LIST}) SELECT ${COLUMN_LIST} FROM ${STAGING} ORDER BY seq
         ${IDENTITY_CONFLICT} DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM moved`,
    )) as { n: number }[];
    const duplicates = batchRows - inserted[0].n;
    // The rows left behind repeat an active payment (committed, or moved just now): one statement for all of them.
    if (duplicates > 0) {
      await this.runner.query(
        `INSERT INTO payments (${COLUMN_LIST})
         SELECT ${DUPLICATE_SELECT} FROM ${STAGING} s
           LEFT JOIN payments o ON o.aggregator = s.aggregator AND o.source_ref = s.source_ref
            AND o.settled_on = s.settled_on AND o.amount_cents = s.amount_cents AND o.kind = s.kind
            AND o.status = 'active'
          WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = s.id)
          ORDER BY s.seq`,
        [JSON.stringify([DUPLICATE_FINDING])],
      );
    }
    await this.runner.query(`TRUNCATE ${STAGING}`);
    return duplicates;
  }
}
