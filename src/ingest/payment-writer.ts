import { randomUUID } from "node:crypto";
import type { QueryRunner } from "typeorm";
import type { AssessedPayment, ParsedBankEntry } from "./read-remittance";

const PAYMENT_COLUMNS = [
  "id", "file_id", "aggregator", "line", "kind", "source_ref", "amount_cents", "currency", "payer_name",
  "account_raw", "account_number", "account_status", "initiated_on", "settled_on", "coverage_month",
  "due_on", "lead_days", "timing_status", "earliest_coverage_start", "plan_type", "method", "reason_code",
  "original_ref", "status", "duplicate_of", "match_status", "findings", "details", "raw",
] as const;

function paymentValues(id: string, fileId: string, aggregator: string, p: AssessedPayment, status: "active" | "duplicate", duplicateOf: string | null): unknown[] {
  return [
    id, fileId, aggregator, p.line, p.kind, p.sourceRef, p.amountCents, p.currency, p.payerName,
    p.accountRaw, p.accountNumber, p.accountStatus, p.initiatedOn, p.settledOn, p.coverageMonth,
    p.dueOn, p.leadDays, p.timingStatus, p.earliestCoverageStart, p.planType, p.method, p.reasonCode,
    p.originalRef, status, duplicateOf, "unmatched", JSON.stringify(p.findings), JSON.stringify(p.details), p.raw,
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
export async function insertPayments(runner: QueryRunner, fileId: string, aggregator: string, batch: AssessedPayment[]): Promise<number> {
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
  for (const p of duplicates) {
    const original = (await runner.query(
      `SELECT id FROM payments WHERE aggregator = $1 AND source_ref = $2 AND settled_on IS NOT DISTINCT FROM $3
         AND amount_cents = $4 AND kind = $5 AND status = 'active'`,
      [aggregator, p.sourceRef, p.settledOn, p.amountCents, p.kind],
    )) as { id: string }[];
    const findings = [...p.findings, { code: "duplicate_payment", message: "the same payment (trace, date, amount, kind) was already received; stored once as money", severity: "warning" as const }];
    await runner.query(
      `INSERT INTO payments (${PAYMENT_COLUMNS.join(",")}) VALUES ${placeholders(1, PAYMENT_COLUMNS.length)}`,
      paymentValues(randomUUID(), fileId, aggregator, { ...p, findings }, "duplicate", original[0]?.id ?? null),
    );
  }
  return duplicates.length;
}

const ENTRY_COLUMNS = [
  "id", "file_id", "aggregator", "line", "direction", "amount_cents", "currency", "bank_account", "type_code",
  "bank_ref", "customer_ref", "text", "booked_on", "value_on", "details", "raw",
] as const;

export async function insertBankEntries(runner: QueryRunner, fileId: string, aggregator: string, batch: ParsedBankEntry[]): Promise<void> {
  const values = batch.flatMap((e) => [
    randomUUID(), fileId, aggregator, e.line, e.direction, e.amountCents, e.currency, e.bankAccount, e.typeCode,
    e.bankRef, e.customerRef, e.text, e.bookedOn, e.valueOn, JSON.stringify(e.details), e.raw,
  ]);
  await runner.query(`INSERT INTO bank_entries (${ENTRY_COLUMNS.join(",")}) VALUES ${placeholders(batch.length, ENTRY_COLUMNS.length)}`, values);
}
