import { formatUsd } from "../../model";
import { auditForPayment, type AuditEntry } from "../../match/audit-log";
import { decisionsFor, type DecisionView } from "../../match/decisions";
import type { Suggestion } from "../../match/repair/suggest";
import { selectPayments, type StoredPayment } from "../../match/payments";
import { formatLongDate, formatMonth } from "../../rules/local-date";
import type { Sql } from "../../store/sql";
import { localDateTime, maskedAccount, usd } from "../format";
import { gridCsv, gridHtml, type GridColumn } from "../grid";
import { h } from "../html";
import { consoleDocument } from "../layout";
import { PageNotFound, type ConsolePage, type PageContext } from "../page";
import { uuidParam } from "../params";

export interface PaymentExceptionRow {
  id: string;
  reason: string;
  status: string;
  amountCents: string;
  message: string;
  resolution: string | null;
  resolvedBy: string | null;
  note: string | null;
  suggestions: Suggestion[] | null;
}

export interface PaymentView {
  payment: StoredPayment;
  payerName: string | null;
  decisions: DecisionView[];
  exceptions: PaymentExceptionRow[];
  audit: AuditEntry[];
}

/** A payment with its ladder decisions, its exceptions and its audit trail: four indexed look-ups. */
export async function loadPayment(db: Sql, id: string): Promise<PaymentView | null> {
  const [payment] = await selectPayments(db, `p.id = $1`, [id]);
  if (!payment) return null;
  const exceptions = (await db.query(
    `SELECT id::text AS id, reason, status, amount_cents::text AS "amountCents", message, resolution,
            resolved_by AS "resolvedBy", note, suggestions
       FROM exceptions e WHERE payment_id = $1 ORDER BY e.id`,
    [id],
  )) as PaymentExceptionRow[];
  // StoredPayment is what matching reads, which has no use for the payer's name.
  const [payer] = (await db.query(`SELECT payer_name AS "payerName" FROM payments WHERE id = $1`, [id])) as {
    payerName: string | null;
  }[];
  const audit = await auditForPayment(db, id);
  return { payment, payerName: payer.payerName, decisions: await decisionsFor(db, id), exceptions, audit };
}

/** Coverage month, due date and lead days as the timing rule reads them. */
function timingFacts(p: StoredPayment): [string, string][] {
  return [
    ["Timing", p.timingStatus],
    ["Coverage month", p.coverageMonth ? formatMonth(p.coverageMonth) : "–"],
    ["Due date", p.dueOn ? formatLongDate(p.dueOn) : "–"],
    ["Lead days (settled to due)", p.leadDays === null ? "–" : String(p.leadDays)],
    ["Settled", p.settledOn ? formatLongDate(p.settledOn) : "–"],
    ["Initiated", p.initiatedOn ? formatLongDate(p.initiatedOn) : "–"],
  ];
}

function paymentFacts(p: StoredPayment): [string, string][] {
  return [
    ["Amount", formatUsd(p.amountCents)],
    ["Kind", p.kind],
    ["Account", maskedAccount(p.accountNumber ?? p.accountRaw)],
    ["Account status", p.accountStatus],
    ["Match status", p.matchStatus],
    ["Aggregator", p.aggregator],
    ["Reference", p.sourceRef ?? "–"],
    ["Record status", p.duplicateOf ? `${p.status} of ${p.duplicateOf}` : p.status],
  ];
}

function facts(rows: [string, string][]): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join("")}</dl>`;
}

export const DECISION_COLUMNS: GridColumn<DecisionView>[] = [
  { header: "Decided", text: (d) => localDateTime(d.decidedAt) },
  { header: "Rule", text: (d) => d.rule },
  { header: "Outcome", text: (d) => d.outcome },
  { header: "Invoice", text: (d) => d.invoiceNumber ?? "" },
  { header: "Applied", num: true, text: (d) => formatUsd(d.appliedCents) },
  { header: "Reason", text: (d) => d.reason },
  { header: "By", text: (d) => d.decidedBy },
];

const EXCEPTION_COLUMNS: GridColumn<PaymentExceptionRow>[] = [
  { header: "Exception", num: true, text: (e) => e.id },
  { header: "Reason", text: (e) => e.reason },
  { header: "Status", text: (e) => e.status },
  { header: "Amount", num: true, text: (e) => usd(e.amountCents) },
  { header: "Why", text: (e) => e.message },
  { header: "Resolution", text: (e) => [e.resolution, e.resolvedBy, e.note].filter(Boolean).join(" · ") },
];

/** An open exception's repair suggestions: the number to give apply-suggestion, and why each. */
const SUGGESTION_COLUMNS: GridColumn<Suggestion & { exceptionId: string }>[] = [
  { header: "Exception", num: true, text: (s) => s.exceptionId },
  { header: "Suggestion", num: true, text: (s) => String(s.rank) },
  { header: "Account", text: (s) => maskedAccount(s.accountNumber) },
  { header: "Member", text: (s) => s.memberName },
  { header: "Score", num: true, text: (s) => s.score.toFixed(2) },
  { header: "Evidence", text: (s) => s.evidence.map((e) => e.detail).join("; ") },
  { header: "Pays", text: (s) => s.invoices.map((i) => `${i.invoiceNumber} ${formatUsd(i.cents)}`).join(", ") },
];

function suggestionsOf(v: PaymentView): (Suggestion & { exceptionId: string })[] {
  return v.exceptions
    .filter((e) => e.status === "open")
    .flatMap((e) => (e.suggestions ?? []).map((s) => ({ ...s, exceptionId: e.id })));
}

export const AUDIT_COLUMNS: GridColumn<AuditEntry>[] = [
  { header: "Entry", num: true, text: (a) => String(a.id) },
  { header: "At", text: (a) => localDateTime(a.at) },
  { header: "Actor", text: (a) => a.actor },
  { header: "Entity", text: (a) => `${a.entity} ${a.entityId}` },
  { header: "Action", text: (a) => a.action },
  { header: "Change", text: (a) => changeText(a) },
  { header: "Note", text: (a) => a.note ?? "" },
];

/** A payment's audit entry holds its account number when matching corrected it: shown masked like everywhere else. */
function maskAccounts(key: string, value: unknown): unknown {
  return /^account_(number|raw)$/.test(key) && typeof value === "string" ? maskedAccount(value) : value;
}

/** before → after of the fields that changed, one JSON object each. */
export function changeText(a: Pick<AuditEntry, "before" | "after">): string {
  const side = (v: Record<string, unknown> | null) => (v === null ? "" : JSON.stringify(v, maskAccounts));
  return a.before ? `${side(a.before)} → ${side(a.after)}` : side(a.after);
}

export function renderPayment(ctx: PageContext, v: PaymentView): string {
  const p = v.payment;
  const body =
    `<p>Line ${p.line} of <a href="/console/files/${h(p.fileId)}">${h(p.fileName)}</a>. Payer: ${h(v.payerName ?? "–")}</p>` +
    `<div class="pair"><section><h2>Payment</h2>${facts(paymentFacts(p))}</section>` +
    `<section><h2>Timing against the 23rd</h2>${facts(timingFacts(p))}</section></div>` +
    `<h2>Matching ladder decisions</h2>${gridHtml(DECISION_COLUMNS, v.decisions)}` +
    `<h2>Exceptions</h2>${gridHtml(EXCEPTION_COLUMNS, v.exceptions)}` +
    (suggestionsOf(v).length ? `<h2>Repair suggestions</h2>${gridHtml(SUGGESTION_COLUMNS, suggestionsOf(v))}` : "") +
    `<h2>Audit trail</h2>${gridHtml(AUDIT_COLUMNS, v.audit)}` +
    `<p><a href="/console/payments/${h(p.id)}?format=csv">Download the decisions as CSV</a></p>`;
  return consoleDocument(ctx, `Payment ${formatUsd(p.amountCents)} settled ${p.settledOn ?? "–"}`, body);
}

async function required(ctx: PageContext): Promise<PaymentView> {
  const id = uuidParam(ctx.params, "id");
  const v = id ? await loadPayment(ctx.db, id) : null;
  if (!v) throw new PageNotFound(`payment ${ctx.params.id ?? ""}`);
  return v;
}

export const paymentPage: ConsolePage = {
  path: "/console/payments/:id",
  query: [],
  title: "Payment",
  render: async (ctx) => renderPayment(ctx, await required(ctx)),
  csv: async (ctx) => gridCsv(DECISION_COLUMNS, (await required(ctx)).decisions),
};
