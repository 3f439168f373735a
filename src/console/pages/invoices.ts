import type { Sql } from "../../store/sql";
import { INVOICE_STATUSES } from "../../store/entities/invoice.entity";
import { maskedAccount, usd } from "../format";
import { csvLink, gridCsv, gridHtml, type GridColumn } from "../grid";
import { h, href } from "../html";
import { decodeCursor, encodeCursor, splitPage } from "../keyset";
import { filterForm, selectField, textField } from "../form";
import { consoleDocument } from "../layout";
import type { ConsolePage, PageContext } from "../page";
import { PageInputError, text } from "../params";

const PATH = "/console/invoices";
const PAGE_SIZE = 50;

export interface InvoicesFilter {
  status: string | null;
  /** A coverage month, "all", or null for the newest month billed (totals over every month cost a pass over the table). */
  coverageMonth: string | null;
  account: string | null;
  after: string[] | null;
}

export function invoicesFilter(q: PageContext["query"]): InvoicesFilter {
  const month = text(q, "month");
  if (month !== null && month !== "all" && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new PageInputError("month must be YYYY-MM or all");
  }
  return {
    status: text(q, "status"),
    coverageMonth: month,
    account: text(q, "account"),
    after: decodeCursor(text(q, "after"), ["text"]),
  };
}

export interface InvoiceRow {
  id: string;
  invoiceNumber: string;
  accountNumber: string;
  memberName: string;
  plan: string;
  coverageMonth: string;
  amountDueCents: string;
  paidCents: string;
  status: string;
}

export interface InvoicesView {
  month: string;
  totals: { count: number; billed: string; paid: string; open: string };
  rows: InvoiceRow[];
  next: string | null;
}

const WHERE = `($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR coverage_month = $2)
               AND ($3::text IS NULL OR account_number = $3)`;

/** Billed, paid and still open over every invoice the filter takes; a page of them by invoice number. */
export async function loadInvoices(db: Sql, f: InvoicesFilter): Promise<InvoicesView> {
  const month = f.coverageMonth ?? (await newestMonth(db));
  const filter = [f.status, month === "all" ? null : month, f.account];
  // Open is what balanceCents (src/match/invoices.ts) says is owed: nothing on a written-off invoice, never negative.
  const [totals] = (await db.query(
    `SELECT count(*)::int AS count, coalesce(sum(amount_due_cents), 0)::text AS billed, coalesce(sum(paid_cents), 0)::text AS paid,
            coalesce(sum(CASE WHEN status = 'written_off' THEN 0 ELSE greatest(0, amount_due_cents - paid_cents) END), 0)::text AS open
       FROM invoices WHERE ${WHERE}`,
    filter,
  )) as InvoicesView["totals"][];
  const rows = (await db.query(
    `SELECT id, invoice_number AS "invoiceNumber", account_number AS "accountNumber", member_name AS "memberName", plan,
            coverage_month AS "coverageMonth", amount_due_cents::text AS "amountDueCents", paid_cents::text AS "paidCents", status
       FROM invoices WHERE ${WHERE} AND ($4::text IS NULL OR invoice_number > $4)
      ORDER BY invoice_number LIMIT $5`,
    [...filter, f.after?.[0] ?? null, PAGE_SIZE + 1],
  )) as InvoiceRow[];
  const page = splitPage(rows, PAGE_SIZE);
  const last = page.rows.at(-1);
  return { month, totals, rows: page.rows, next: page.more && last ? encodeCursor([last.invoiceNumber]) : null };
}

async function newestMonth(db: Sql): Promise<string> {
  const [row] = (await db.query(`SELECT max(coverage_month) AS month FROM invoices`)) as { month: string | null }[];
  return row.month ?? "all";
}

export const INVOICE_COLUMNS: GridColumn<InvoiceRow>[] = [
  {
    header: "Invoice",
    text: (r) => r.invoiceNumber,
    html: (r) => `<a href="${PATH}/${h(r.id)}">${h(r.invoiceNumber)}</a>`,
  },
  { header: "Account", text: (r) => maskedAccount(r.accountNumber) },
  { header: "Member", text: (r) => r.memberName },
  { header: "Plan", text: (r) => r.plan },
  { header: "Coverage", text: (r) => r.coverageMonth },
  { header: "Billed", num: true, text: (r) => usd(r.amountDueCents) },
  { header: "Paid", num: true, text: (r) => usd(r.paidCents) },
  { header: "Status", text: (r) => r.status },
];

function invoicesFilterForm(ctx: PageContext, month: string): string {
  const q = ctx.query;
  return filterForm(PATH, [
    selectField("status", "Status", INVOICE_STATUSES, q.status),
    textField("month", "Coverage month (YYYY-MM or all)", month),
    textField("account", "Account number", q.account),
  ]);
}

export function renderInvoices(ctx: PageContext, v: InvoicesView): string {
  const t = v.totals;
  const cards =
    `<div class="cards"><div class="card"><span>Invoices</span><b>${t.count}</b></div>` +
    `<div class="card"><span>Billed</span><b>${h(usd(t.billed))}</b></div>` +
    `<div class="card"><span>Paid</span><b>${h(usd(t.paid))}</b></div>` +
    `<div class="card"><span>Open</span><b>${h(usd(t.open))}</b></div></div>`;
  const next = v.next
    ? `<div class="pager"><a rel="next" href="${href(PATH, { ...ctx.query, after: v.next })}">Next invoices</a></div>`
    : "";
  return consoleDocument(
    ctx,
    "Invoices",
    invoicesFilterForm(ctx, v.month) + cards + gridHtml(INVOICE_COLUMNS, v.rows) + next + csvLink(PATH, ctx),
  );
}

export const invoicesPage: ConsolePage = {
  path: PATH,
  query: ["month", "status", "account", "after"],
  title: "Invoices",
  render: async (ctx) => renderInvoices(ctx, await loadInvoices(ctx.db, invoicesFilter(ctx.query))),
  csv: async (ctx) => gridCsv(INVOICE_COLUMNS, (await loadInvoices(ctx.db, invoicesFilter(ctx.query))).rows),
};
