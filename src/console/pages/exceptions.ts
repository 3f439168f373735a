import { EXCEPTION_REASONS } from "../../model";
import { RESOLVE_ACTIONS } from "../../match/resolve-actions";
import type { Sql } from "../../store/sql";
import { csvLink, gridCsv, gridHtml, type GridColumn } from "../grid";
import { h, href } from "../html";
import { decodeCursor, encodeCursor, splitPage } from "../keyset";
import { filterForm, selectField, textField } from "../form";
import { consoleDocument } from "../layout";
import type { ConsolePage, PageContext } from "../page";
import { cents, oneOf, text, wholeNumber } from "../params";
import { localDateTime, maskedAccount, usd } from "../format";

const PATH = "/console/exceptions";
const SORTS = ["age", "amount"] as const;
const PAGE_SIZE = 50;
const COUNT_LIMIT = 250;

/** What the queue is narrowed to, from the query string; the same for the table and its CSV. */
export interface QueueFilter {
  reason: string | null;
  aggregator: string | null;
  minAgeDays: number | null;
  maxAgeDays: number | null;
  minCents: number | null;
  maxCents: number | null;
  /** age: oldest first; amount: largest first. */
  sort: (typeof SORTS)[number];
  after: string[] | null;
  limit: number;
}

export function queueFilter(q: PageContext["query"]): QueueFilter {
  const sort = oneOf(q, "sort", SORTS, "age");
  return {
    reason: text(q, "reason"),
    aggregator: text(q, "aggregator"),
    minAgeDays: wholeNumber(q, "min_age", 100_000),
    maxAgeDays: wholeNumber(q, "max_age", 100_000),
    minCents: cents(q, "min_amount"),
    maxCents: cents(q, "max_amount"),
    sort,
    after: decodeCursor(text(q, "after"), [ORDER[sort].cursor, "bigint"]),
    limit: wholeNumber(q, "limit", 1000) || PAGE_SIZE,
  };
}

export interface QueueRow {
  id: string;
  reason: string;
  message: string;
  amountCents: string;
  openedAt: Date;
  ageDays: number;
  paymentId: string | null;
  aggregator: string | null;
  payerName: string | null;
  account: string | null;
  settledOn: string | null;
  invoiceNumber: string | null;
  /** The sort key's value, exactly as the database compares it (for the next page's cursor). */
  sortKey: string;
}

export interface QueueView {
  filter: QueueFilter;
  rows: QueueRow[];
  next: string | null;
  total: number;
  aggregators: string[];
}

/** The filter as SQL conditions over `e` (exceptions) and `p` (payments), with their parameters. */
function conditions(f: QueueFilter, asOf: Date): { where: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const where = [`e.status = 'open'`];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (f.reason) add((n) => `e.reason = ${n}`, f.reason);
  if (f.aggregator) add((n) => `p.aggregator = ${n}`, f.aggregator);
  // An age of N days: opened between N and N+1 days before asOf.
  if (f.minAgeDays !== null) add((n) => `e.opened_at <= ${n}::timestamptz`, daysBefore(asOf, f.minAgeDays));
  if (f.maxAgeDays !== null) add((n) => `e.opened_at > ${n}::timestamptz`, daysBefore(asOf, f.maxAgeDays + 1));
  if (f.minCents !== null) add((n) => `e.amount_cents >= ${n}`, f.minCents);
  if (f.maxCents !== null) add((n) => `e.amount_cents <= ${n}`, f.maxCents);
  return { where, params };
}

function daysBefore(asOf: Date, days: number): string {
  return new Date(asOf.getTime() - days * 86_400_000).toISOString();
}

const ORDER = {
  age: { key: "e.opened_at", cast: "timestamptz", cursor: "timestamp", cmp: ">", dir: "ASC" },
  amount: { key: "e.amount_cents", cast: "bigint", cursor: "bigint", cmp: "<", dir: "DESC" },
} as const;

/** One page of the open queue (keyset), the number of rows the filter matches, and the aggregators to filter by. */
export async function loadQueue(db: Sql, f: QueueFilter, asOf = new Date()): Promise<QueueView> {
  const { where, params } = conditions(f, asOf);
  // Counted up to COUNT_LIMIT only: a filter on the payment (its aggregator) joins each exception
  // to its payment, and 100k of those joins cost more than the page.
  const total = (await db.query(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM exceptions e LEFT JOIN payments p ON p.id = e.payment_id
      WHERE ${where.join(" AND ")} LIMIT ${COUNT_LIMIT + 1}) x`,
    params,
  )) as { n: number }[];
  const o = ORDER[f.sort];
  const paged = [...where];
  const pageParams = [...params];
  if (f.after) {
    pageParams.push(...f.after);
    const n = pageParams.length;
    paged.push(`(${o.key}, e.id) ${o.cmp} ($${n - 1}::${o.cast}, $${n}::bigint)`);
  }
  pageParams.push(f.limit + 1);
  const rows = (await db.query(
    `SELECT e.id::text AS "id", e.reason, e.message, e.amount_cents::text AS "amountCents", e.opened_at AS "openedAt",
            floor(extract(epoch FROM ($${pageParams.length + 1}::timestamptz - e.opened_at)) / 86400)::int AS "ageDays",
            e.payment_id AS "paymentId", p.aggregator, p.payer_name AS "payerName",
            coalesce(p.account_number, p.account_raw) AS account, p.settled_on::text AS "settledOn",
            i.invoice_number AS "invoiceNumber", ${o.key}::text AS "sortKey"
       FROM exceptions e
       LEFT JOIN payments p ON p.id = e.payment_id
       LEFT JOIN invoices i ON i.id = e.invoice_id
      WHERE ${paged.join(" AND ")}
      ORDER BY ${o.key} ${o.dir}, e.id ${o.dir}
      LIMIT $${pageParams.length}`,
    [...pageParams, asOf.toISOString()],
  )) as QueueRow[];
  const page = splitPage(rows, f.limit);
  const last = page.rows.at(-1);
  const aggregators = (await db.query(`SELECT DISTINCT aggregator FROM remittance_files ORDER BY 1`)) as {
    aggregator: string;
  }[];
  return {
    filter: f,
    rows: page.rows,
    next: page.more && last ? encodeCursor([last.sortKey, last.id]) : null,
    total: total[0].n,
    aggregators: aggregators.map((a) => a.aggregator),
  };
}

const COLUMNS: GridColumn<QueueRow>[] = [
  { header: "Exception", num: true, text: (r) => r.id },
  { header: "Reason", text: (r) => r.reason },
  { header: "Age (days)", num: true, text: (r) => String(Math.max(0, r.ageDays)) },
  { header: "Opened", text: (r) => localDateTime(r.openedAt) },
  { header: "Amount", num: true, text: (r) => usd(r.amountCents) },
  { header: "Aggregator", text: (r) => r.aggregator ?? "" },
  { header: "Payer", text: (r) => r.payerName ?? "" },
  { header: "Account", text: (r) => maskedAccount(r.account) },
  { header: "Settled", text: (r) => r.settledOn ?? "" },
  { header: "Invoice", text: (r) => r.invoiceNumber ?? "" },
  {
    header: "Payment",
    text: (r) => r.paymentId ?? "",
    html: (r) => (r.paymentId ? `<a href="/console/payments/${h(r.paymentId)}">payment</a>` : ""),
  },
  { header: "Why", text: (r) => r.message },
];

/** The resolve form of one exception: every action the CLI has, its invoices, a required note, the CSRF token. */
export function resolveForm(id: string, csrfToken: string): string {
  const options = RESOLVE_ACTIONS.map((a) => `<option value="${a}">${a}</option>`).join("");
  return (
    `<form class="resolve" method="post" action="${PATH}/${h(id)}/resolve">` +
    `<input type="hidden" name="_csrf" value="${h(csrfToken)}">` +
    `<label for="action-${h(id)}">Action<select id="action-${h(id)}" name="action" required>${options}</select></label>` +
    `<label for="invoices-${h(id)}">Invoices (apply-to, comma-separated), suggestion number or return reason<input id="invoices-${h(id)}" name="invoices" type="text"></label>` +
    `<label for="note-${h(id)}">Note (required)<input id="note-${h(id)}" name="note" type="text" required></label>` +
    `<button type="submit">Resolve ${h(id)}</button></form>`
  );
}

function canResolve(ctx: PageContext): boolean {
  return ctx.user.role !== "viewer";
}

function queueFilterForm(ctx: PageContext, v: QueueView): string {
  const q = ctx.query;
  return filterForm(PATH, [
    selectField("reason", "Reason", EXCEPTION_REASONS, v.filter.reason),
    selectField("aggregator", "Aggregator", v.aggregators, v.filter.aggregator),
    textField("min_age", "Min age (days)", q.min_age),
    textField("max_age", "Max age (days)", q.max_age),
    textField("min_amount", "Min amount ($)", q.min_amount),
    textField("max_amount", "Max amount ($)", q.max_amount),
    selectField("sort", "Sort", SORTS.slice(1), v.filter.sort, "age"),
  ]);
}

export function renderQueue(ctx: PageContext, v: QueueView): string {
  const columns = canResolve(ctx)
    ? [...COLUMNS, { header: "Resolve", text: () => "", html: (r: QueueRow) => resolveForm(r.id, ctx.csrfToken) }]
    : COLUMNS;
  const next = v.next
    ? `<a rel="next" href="${href(PATH, { ...ctx.query, after: v.next })}">Next ${v.filter.limit}</a>`
    : "";
  const first = v.filter.after ? `<a href="${href(PATH, { ...ctx.query, after: null })}">First page</a>` : "";
  const body =
    queueFilterForm(ctx, v) +
    `<p>${v.total > COUNT_LIMIT ? `More than ${COUNT_LIMIT}` : v.total} open exception${v.total === 1 ? "" : "s"} match.</p>` +
    gridHtml(columns, v.rows) +
    `<div class="pager">${first}${next}</div>` +
    csvLink(PATH, ctx);
  return consoleDocument(ctx, "Exception queue", body);
}

export const exceptionsPage: ConsolePage = {
  path: PATH,
  query: ["reason", "aggregator", "min_age", "max_age", "min_amount", "max_amount", "sort", "after", "limit"],
  title: "Exception queue",
  render: async (ctx) => renderQueue(ctx, await loadQueue(ctx.db, queueFilter(ctx.query))),
  csv: async (ctx) => gridCsv(COLUMNS, (await loadQueue(ctx.db, queueFilter(ctx.query))).rows),
};
