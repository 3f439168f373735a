import type { Sql } from "../../store/sql";
import { localDateTime, maskedAccount, usd } from "../format";
import { gridCsv, gridHtml, type GridColumn } from "../grid";
import { h } from "../html";
import { consoleDocument } from "../layout";
import { PageNotFound, type ConsolePage, type PageContext } from "../page";
import { uuidParam } from "../params";
import { INVOICE_COLUMNS, type InvoiceRow } from "./invoices";

/** One decision that moved money on this invoice, with the payment it came from. */
export interface AppliedRow {
  paymentId: string;
  settledOn: string | null;
  paymentCents: string;
  payerName: string | null;
  rule: string;
  outcome: string;
  appliedCents: string;
  reason: string;
  decidedBy: string;
  decidedAt: Date;
}

export interface InvoiceView {
  invoice: InvoiceRow;
  applied: AppliedRow[];
}

export async function loadInvoice(db: Sql, id: string): Promise<InvoiceView | null> {
  const [invoice] = (await db.query(
    `SELECT id, invoice_number AS "invoiceNumber", account_number AS "accountNumber", member_name AS "memberName", plan,
            coverage_month AS "coverageMonth", amount_due_cents::text AS "amountDueCents", paid_cents::text AS "paidCents", status
       FROM invoices WHERE id = $1`,
    [id],
  )) as InvoiceRow[];
  if (!invoice) return null;
  const applied = (await db.query(
    `SELECT d.payment_id AS "paymentId", p.settled_on::text AS "settledOn", p.amount_cents::text AS "paymentCents",
            p.payer_name AS "payerName", d.rule, d.outcome, d.applied_cents::text AS "appliedCents", d.reason,
            d.decided_by AS "decidedBy", d.decided_at AS "decidedAt"
       FROM match_decisions d JOIN payments p ON p.id = d.payment_id
      WHERE d.invoice_id = $1 ORDER BY d.decided_at, d.id`,
    [id],
  )) as AppliedRow[];
  return { invoice, applied };
}

const APPLIED_COLUMNS: GridColumn<AppliedRow>[] = [
  { header: "Decided", text: (a) => localDateTime(a.decidedAt) },
  {
    header: "Payment",
    text: (a) => a.paymentId,
    html: (a) =>
      `<a href="/console/payments/${h(a.paymentId)}">${h(usd(a.paymentCents))} settled ${h(a.settledOn ?? "–")}</a>`,
  },
  { header: "Payer", text: (a) => a.payerName ?? "" },
  { header: "Rule", text: (a) => a.rule },
  { header: "Outcome", text: (a) => a.outcome },
  { header: "Applied", num: true, text: (a) => usd(a.appliedCents) },
  { header: "Reason", text: (a) => a.reason },
  { header: "By", text: (a) => a.decidedBy },
];

export function renderInvoice(ctx: PageContext, v: InvoiceView): string {
  const i = v.invoice;
  const net = v.applied.reduce((sum, a) => sum + Number(a.appliedCents), 0);
  const body =
    `<p>${h(i.memberName)} · account ${h(maskedAccount(i.accountNumber))}</p>` +
    gridHtml(INVOICE_COLUMNS, [i]) +
    `<h2>Payments applied (net ${h(usd(net))})</h2>${gridHtml(APPLIED_COLUMNS, v.applied)}` +
    `<p><a href="/console/invoices/${h(i.id)}?format=csv">Download as CSV</a></p>`;
  return consoleDocument(ctx, `Invoice ${i.invoiceNumber}`, body);
}

async function required(ctx: PageContext): Promise<InvoiceView> {
  const id = uuidParam(ctx.params, "id");
  const v = id ? await loadInvoice(ctx.db, id) : null;
  if (!v) throw new PageNotFound(`invoice ${ctx.params.id ?? ""}`);
  return v;
}

export const invoicePage: ConsolePage = {
  path: "/console/invoices/:id",
  query: [],
  title: "Invoice",
  render: async (ctx) => renderInvoice(ctx, await required(ctx)),
  csv: async (ctx) => gridCsv(APPLIED_COLUMNS, (await required(ctx)).applied),
};
