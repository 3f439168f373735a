import type { PayeePolicy } from "../rules/payee-policy";
import {
  type AccountStatus,
  type Finding,
  type MatchStatus,
  type ParsedPaymentDraft,
  type PaymentKind,
  type PaymentRecordStatus,
  type PlanType,
  type TimingStatus,
} from "../model";
import { assessPayment, type AssessContext } from "../rules/assess";
import { RULE_FINDINGS } from "../rules/findings";
import { appendAudit, changedFields, type AuditChange } from "./audit-log";
import type { Sql } from "../store/sql";
import type { Invoice } from "./invoices";
import { centsFromDb } from "../store/columns";
import { policiesByHash } from "../store/payee-policies";

/** A stored payment as matching reads it; days are "YYYY-MM-DD" strings (cast in SQL, never a JS Date). */
export interface StoredPayment {
  id: string;
  fileId: string;
  fileName: string;
  postedAt: string | null;
  aggregator: string;
  line: number;
  kind: PaymentKind;
  status: PaymentRecordStatus;
  duplicateOf: string | null;
  sourceRef: string | null;
  originalRef: string | null;
  amountCents: number;
  accountRaw: string | null;
  accountNumber: string | null;
  accountStatus: AccountStatus;
  initiatedOn: string | null;
  settledOn: string | null;
  coverageMonth: string | null;
  dueOn: string | null;
  leadDays: number | null;
  timingStatus: TimingStatus;
  earliestCoverageStart: string | null;
  planType: PlanType | null;
  reasonCode: string | null;
  matchStatus: MatchStatus;
  findings: Finding[];
  /** The payee policy its file was posted under: matching re-times and re-checks with this one. */
  policy: PayeePolicy;
}

/** SELECT list for StoredPayment over `payments p JOIN remittance_files f`. */
export const PAYMENT_SELECT = `
  p.id, p.file_id AS "fileId", f.name AS "fileName", f.posted_at::text AS "postedAt", p.aggregator, p.line, p.kind, p.status,
  p.duplicate_of AS "duplicateOf", p.source_ref AS "sourceRef", p.original_ref AS "originalRef",
  p.amount_cents::text AS "amountCents", p.account_raw AS "accountRaw", p.account_number AS "accountNumber",
  p.account_status AS "accountStatus", p.initiated_on::text AS "initiatedOn", p.settled_on::text AS "settledOn",
  p.coverage_month AS "coverageMonth", p.due_on::text AS "dueOn", p.lead_days AS "leadDays", p.timing_status AS "timingStatus",
  p.earliest_coverage_start::text AS "earliestCoverageStart", p.plan_type AS "planType", p.reason_code AS "reasonCode",
  p.match_status AS "matchStatus", p.findings, f.policy_hash AS "policyHash"`;

export async function selectPayments(sql: Sql, where: string, params: unknown[], tail = ""): Promise<StoredPayment[]> {
  const rows = (await sql.query(
    `SELECT ${PAYMENT_SELECT} FROM payments p JOIN remittance_files f ON f.id = p.file_id WHERE ${where} ${tail}`,
    params,
  )) as (Omit<StoredPayment, "amountCents" | "policy"> & { amountCents: string; policyHash: string | null })[];
  const policyOf = await policiesByHash(
    sql,
    rows.map((r) => r.policyHash),
  );
  return rows.map(({ policyHash, ...r }) => ({
    ...r,
    amountCents: centsFromDb(r.amountCents),
    policy: policyOf(policyHash),
  }));
}

/** A payment by id, or by a unique prefix of its id (people copy the first 8 characters). */
export async function findPayment(sql: Sql, ref: string): Promise<StoredPayment | null> {
  if (!/^[0-9a-f-]{4,36}$/i.test(ref)) return null;
  const found = await selectPayments(sql, `p.id::text LIKE $1`, [`${ref.toLowerCase()}%`], "LIMIT 2");
  return found.length === 1 ? found[0] : null;
}

/** The columns matching may change, by their StoredPayment name. */
const WRITABLE = {
  matchStatus: "match_status",
  accountStatus: "account_status",
  accountNumber: "account_number",
  coverageMonth: "coverage_month",
  dueOn: "due_on",
  leadDays: "lead_days",
  timingStatus: "timing_status",
  earliestCoverageStart: "earliest_coverage_start",
  findings: "findings",
} as const;
export type PaymentChange = Partial<Pick<StoredPayment, keyof typeof WRITABLE>>;

/**
 * A change to a payment as matching makes it: the payment as it then is, and the audit entry with
 * the fields that differ (by column), before and after. Null when nothing differs (nothing to write).
 */
export function paymentChange(
  p: StoredPayment,
  change: PaymentChange,
  audit: { actor: string; action: string; note?: string | null },
): { next: StoredPayment; entry: AuditChange & { after: Record<string, unknown> } } | null {
  const diff = changedFields(p as unknown as Record<string, unknown>, change, WRITABLE);
  if (!diff) return null;
  const entry = {
    actor: audit.actor,
    entity: "payment" as const,
    entityId: p.id,
    action: audit.action,
    before: diff.before,
    after: diff.after,
    paymentId: p.id,
    note: audit.note ?? null,
  };
  return { next: { ...p, ...change }, entry };
}

/**
 * Writes the fields that differ and one audit entry with their before and after. Returns the
 * payment as it now is; writes nothing when nothing differs.
 */
export async function updatePayment(
  sql: Sql,
  p: StoredPayment,
  change: PaymentChange,
  audit: { actor: string; action: string; note?: string | null },
): Promise<StoredPayment> {
  const changed = paymentChange(p, change, audit);
  if (!changed) return p;
  const columns = Object.keys(changed.entry.after);
  const sets = columns.map((c, i) => `${c} = $${i + 2}`).join(", ");
  const values = columns.map((c) =>
    c === "findings" ? JSON.stringify(changed.entry.after[c]) : changed.entry.after[c],
  );
  await sql.query(`UPDATE payments SET ${sets} WHERE id = $1`, [p.id, ...values]);
  await appendAudit(sql, changed.entry);
  return changed.next;
}

/**
 * Writes every column matching may change, as these payments now are, in one statement; with the
 * rule of each one the batch matched with no person (`autoRules`, by payment id), which is never
 * cleared once set.
 */
export async function writePayments(
  sql: Sql,
  payments: StoredPayment[],
  autoRules: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  if (!payments.length) return;
  const column = <K extends keyof StoredPayment>(k: K) => payments.map((p) => p[k]);
  await sql.query(
    `UPDATE payments p SET match_status = x.match_status, account_status = x.account_status,
            account_number = x.account_number, coverage_month = x.coverage_month, due_on = x.due_on,
            lead_days = x.lead_days, timing_status = x.timing_status,
            earliest_coverage_start = x.earliest_coverage_start, findings = x.findings::jsonb,
            auto_rule = coalesce(p.auto_rule, x.auto_rule)
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::int[], $8::text[], $9::date[], $10::text[], $11::text[])
            AS x(id, match_status, account_status, account_number, coverage_month, due_on, lead_days, timing_status, earliest_coverage_start, findings, auto_rule)
      WHERE p.id = x.id`,
    [
      column("id"),
      column("matchStatus"),
      column("accountStatus"),
      column("accountNumber"),
      column("coverageMonth"),
      column("dueOn"),
      column("leadDays"),
      column("timingStatus"),
      column("earliestCoverageStart"),
      payments.map((p) => JSON.stringify(p.findings)),
      payments.map((p) => autoRules.get(p.id) ?? null),
    ],
  );
}

/**
 * Runs the payment rules again with what billing data now says (the invoice's month, a first
 * payment, the amount due, whether the account is known) and returns the fields to store. The
 * rules' own findings are replaced; other findings (a resent payment) are kept.
 */
export function reassess(p: StoredPayment, context: AssessContext): PaymentChange {
  // A stored payment was validated when it was posted; parsing it again (PaymentDraft.parse) cost
  // more than timing it, once per payment matched.
  const draft: ParsedPaymentDraft = {
    kind: p.kind,
    sourceRef: p.sourceRef,
    amountCents: p.amountCents,
    currency: "USD",
    payerName: null,
    accountRaw: p.accountRaw,
    initiatedOn: p.initiatedOn,
    settledOn: p.settledOn,
    coverageMonth: p.coverageMonth,
    planType: p.planType,
    method: "ach",
    reasonCode: null,
    originalRef: null,
    details: {},
    raw: "",
  };
  const a = assessPayment(draft, p.policy, context);
  const kept = p.findings.filter((f) => !(f.code in RULE_FINDINGS));
  return {
    accountStatus: a.accountStatus,
    accountNumber: a.accountNumber,
    coverageMonth: a.coverageMonth,
    dueOn: a.dueOn,
    leadDays: a.leadDays,
    timingStatus: a.timingStatus,
    earliestCoverageStart: a.earliestCoverageStart,
    findings: [...a.findings, ...kept],
  };
}

/** What an invoice tells the rules about the payment applied to it. */
export function invoiceContext(invoice: Invoice): AssessContext {
  return {
    invoiceCoverageMonth: invoice.coverageMonth,
    firstPayment: invoice.firstPayment,
    amountDueCents: invoice.amountDueCents,
    knownAccount: true,
  };
}
