import { randomUUID } from "node:crypto";
import type { QueryRunner } from "typeorm";
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

function paymentValues(
  id: string,
  fileId: string,
  aggregator: string,
  p: AssessedPayment,
  status: "active" | "duplicate",
  duplicateOf: string | null,
): unknown[] {
  return [
    id,
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
    status,
    duplicateOf,
    "unmatched",
    JSON.stringify(p.findings),
    JSON.stringify(p.details),
    p.raw,
  ];
}

function placeholders(rows: number, columns: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= columns; c++) cells.push(`$${r * columns + c}`);
    out.push(`(${cells.join(",")})`);
  }
  return out.join(",");
}

/**
 * Writes a batch of payments. A payment whose identity (aggregator, sourceRef, settledOn, amount,
 * kind) is already active — resent in another file — is stored as `duplicate`, linked to the first.
 * Returns how many were duplicates.
 */
export async function insertPayments(
  runner: QueryRunner,
  fileId: string,
  aggregator: string,
  batch: AssessedPayment[],
): Promise<number> {
  const ids = batch.map(() => randomUUID());
  const values = batch.flatMap((p, i) => paymentValues(ids[i], fileId, aggregator, p, "active", null));
  const inserted = (await runner.query(
    `INSERT INTO payments (${PAYMENT_COLUMNS.join(",")}) VALUES ${placeholders(batch.length, PAYMENT_COLUMNS.length)}
     ON CONFLICT (aggregator, source_ref, settled_on, amount_cents, kind) WHERE status = 'active' AND source_ref IS NOT NULL
     DO NOTHING RETURNING id`,
    values,
  )) as { id: string }[];
  if (inserted.length === batch.length) return 0;
  const done = new Set(inserted.map((r) => r.id));
  const duplicates = batch.filter((_, i) => !done.has(ids[i]));
  // One look-up for the whole batch: a resent file can repeat every one of its payments.
  const originals = (await runner.query(
    `SELECT p.id, p.source_ref, p.settled_on::text AS settled_on, p.amount_cents::text AS amount_cents, p.kind
       FROM payments p
       JOIN unnest($2::text[], $3::date[], $4::bigint[], $5::text[]) AS d(source_ref, settled_on, amount_cents, kind)
         ON p.source_ref = d.source_ref AND p.settled_on IS NOT DISTINCT FROM d.settled_on
        AND p.amount_cents = d.amount_cents AND p.kind = d.kind
      WHERE p.aggregator = $1 AND p.status = 'active'`,
    [
      aggregator,
      duplicates.map((p) => p.sourceRef),
      duplicates.map((p) => p.settledOn),
      duplicates.map((p) => p.amountCents),
      duplicates.map((p) => p.kind),
    ],
  )) as { id: string; source_ref: string; settled_on: string | null; amount_cents: string; kind: string }[];
  const identity = (ref: string | null, settledOn: string | null, cents: number | string, kind: string) =>
    JSON.stringify([ref, settledOn, String(cents), kind]);
  const originalOf = new Map(
    originals.map((o) => [identity(o.source_ref, o.settled_on, o.amount_cents, o.kind), o.id]),
  );
  const finding = {
    code: "duplicate_payment",
    message: "the same payment (trace, date, amount, kind) was already received; stored once as money",
    severity: "warning" as const,
  };
  await runner.query(
    `INSERT INTO payments (${PAYMENT_COLUMNS.join(",")}) VALUES ${placeholders(duplicates.length, PAYMENT_COLUMNS.length)}`,
    duplicates.flatMap((p) =>
      paymentValues(
        randomUUID(),
        fileId,
        aggregator,
        { ...p, findings: [...p.findings, finding] },
        "duplicate",
        originalOf.get(identity(p.sourceRef, p.settledOn, p.amountCents, p.kind)) ?? null,
      ),
    ),
  );
  return duplicates.length;
}

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

export async function insertBankEntries(
  runner: QueryRunner,
  fileId: string,
  aggregator: string,
  batch: ParsedBankEntry[],
): Promise<void> {
  const values = batch.flatMap((e) => [
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
    JSON.stringify(e.details),
    e.raw,
  ]);
  await runner.query(
    `INSERT INTO bank_entries (${ENTRY_COLUMNS.join(",")}) VALUES ${placeholders(batch.length, ENTRY_COLUMNS.length)}`,
    values,
  );
}
