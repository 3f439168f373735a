import { randomUUID } from "node:crypto";
import type { QueryRunner } from "typeorm";
import { copyRows, type CopyValue } from "../store/copy";
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

/** A batch as COPY rows: the payment columns, then its place in the batch (`seq`: the first of two equal payments wins). */
function* paymentRows(fileId: string, aggregator: string, batch: AssessedPayment[]): Generator<CopyValue[]> {
  for (let seq = 0; seq < batch.length; seq++) {
    const p = batch[seq];
    yield [
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
      seq,
    ];
  }
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
 * Writes one file's rows inside its posting transaction with COPY, a batch at a time. Payments are
 * copied into a staging table, then moved into `payments` in file order under the identity index
 * (aggregator, sourceRef, settledOn, amount, kind): one already active — resent in another file,
 * or earlier in this one — is stored as `duplicate`, linked to the first. Bank entries have no
 * identity and are copied straight into `bank_entries`.
 */
export class PaymentWriter {
  private staged = false;

  constructor(
    private readonly runner: QueryRunner,
    private readonly fileId: string,
    private readonly aggregator: string,
  ) {}

  /** Writes a batch of payments; returns how many were duplicates. */
  async payments(batch: AssessedPayment[]): Promise<number> {
    if (!this.staged) {
      await this.runner.query(
        `CREATE TEMP TABLE ${STAGING} (LIKE payments INCLUDING DEFAULTS, seq integer NOT NULL) ON COMMIT DROP`,
      );
      this.staged = true;
    }
    await copyRows(this.runner, STAGING, [...PAYMENT_COLUMNS, "seq"], paymentRows(this.fileId, this.aggregator, batch));
    const inserted = (await this.runner.query(
      `WITH moved AS (
         INSERT INTO payments (${COLUMN_LIST}) SELECT ${COLUMN_LIST} FROM ${STAGING} ORDER BY seq
         ${IDENTITY_CONFLICT} DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM moved`,
    )) as { n: number }[];
    const duplicates = batch.length - inserted[0].n;
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

  async bankEntries(batch: ParsedBankEntry[]): Promise<void> {
    await copyRows(this.runner, "bank_entries", ENTRY_COLUMNS, bankEntryRows(this.fileId, this.aggregator, batch));
  }
}
