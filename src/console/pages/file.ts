import type { ControlRecord, ErrorRecord } from "../../model";
import { agrees } from "../../report/reconciliation";
import { optionalCount, optionalUsd } from "../../report/labels";
import type { Sql } from "../../store/sql";
import { localDateTime, maskedAccount, usd } from "../format";
import { gridCsv, gridHtml, type GridColumn } from "../grid";
import { h, href } from "../html";
import { decodeCursor, encodeCursor, splitPage } from "../keyset";
import { consoleDocument } from "../layout";
import { PageNotFound, type ConsolePage, type PageContext } from "../page";
import { text, uuidParam } from "../params";

const PAGE_SIZE = 100;

export interface FileHead {
  id: string;
  name: string;
  aggregator: string;
  adapter: string;
  status: string;
  sha256: string;
  receivedAt: Date;
  paymentCount: number;
  totalCents: string;
  controls: ControlRecord[];
  errors: ErrorRecord[];
  warnings: ErrorRecord[];
}

export interface FilePaymentRow {
  id: string;
  line: number;
  kind: string;
  amountCents: string;
  payerName: string | null;
  account: string | null;
  settledOn: string | null;
  timingStatus: string;
  matchStatus: string;
}

export interface FileView {
  file: FileHead;
  payments: FilePaymentRow[];
  next: string | null;
}

/** A file's ledger row and a page of its payments by line (keyset on the (file_id, line) index). */
export async function loadFile(db: Sql, id: string, after: string[] | null): Promise<FileView | null> {
  const [file] = (await db.query(
    `SELECT id, name, aggregator, adapter, status, sha256, received_at AS "receivedAt", payment_count AS "paymentCount",
            total_cents::text AS "totalCents", controls, errors, warnings
       FROM remittance_files WHERE id = $1`,
    [id],
  )) as FileHead[];
  if (!file) return null;
  const rows = (await db.query(
    `SELECT id, line, kind, amount_cents::text AS "amountCents", payer_name AS "payerName",
            coalesce(account_number, account_raw) AS account, settled_on::text AS "settledOn",
            timing_status AS "timingStatus", match_status AS "matchStatus"
       FROM payments WHERE file_id = $1 AND line > $2 ORDER BY line LIMIT $3`,
    [id, Number(after?.[0] ?? 0), PAGE_SIZE + 1],
  )) as FilePaymentRow[];
  const page = splitPage(rows, PAGE_SIZE);
  const last = page.rows.at(-1);
  return { file, payments: page.rows, next: page.more && last ? encodeCursor([last.line]) : null };
}

const CONTROL_COLUMNS: GridColumn<ControlRecord>[] = [
  { header: "Control", text: (c) => c.scope },
  { header: "Line", num: true, text: (c) => String(c.line) },
  { header: "Declared count", num: true, text: (c) => optionalCount(c.declaredCount) },
  { header: "Parsed count", num: true, text: (c) => optionalCount(c.parsedCount) },
  { header: "Declared total", num: true, text: (c) => optionalUsd(c.declaredTotalCents) },
  { header: "Parsed total", num: true, text: (c) => optionalUsd(c.parsedTotalCents) },
  { header: "Agrees", text: (c) => (agrees(c) ? "yes" : "NO") },
];

const ERROR_COLUMNS: GridColumn<ErrorRecord>[] = [
  { header: "Line", num: true, text: (e) => (e.line === null ? "" : String(e.line)) },
  { header: "Field", text: (e) => e.field ?? "" },
  { header: "Code", text: (e) => e.code },
  { header: "Message", text: (e) => e.message },
];

const PAYMENT_COLUMNS: GridColumn<FilePaymentRow>[] = [
  { header: "Line", num: true, text: (p) => String(p.line) },
  { header: "Kind", text: (p) => p.kind },
  { header: "Amount", num: true, text: (p) => usd(p.amountCents) },
  { header: "Payer", text: (p) => p.payerName ?? "" },
  { header: "Account", text: (p) => maskedAccount(p.account) },
  { header: "Settled", text: (p) => p.settledOn ?? "" },
  { header: "Timing", text: (p) => p.timingStatus },
  { header: "Match", text: (p) => p.matchStatus },
  { header: "Payment", text: (p) => p.id, html: (p) => `<a href="/console/payments/${h(p.id)}">open</a>` },
];

export function renderFile(ctx: PageContext, v: FileView): string {
  const f = v.file;
  const path = `/console/files/${f.id}`;
  const next = v.next
    ? `<div class="pager"><a rel="next" href="${href(path, { after: v.next })}">Next payments</a></div>`
    : "";
  const body =
    `<p>${h(f.aggregator)} (${h(f.adapter)}) · ${h(f.status)} · received ${h(localDateTime(f.receivedAt))} · ` +
    `${f.paymentCount} payments, net ${h(usd(f.totalCents))} · sha256 ${h(f.sha256)}</p>` +
    `<h2>Controls: declared against parsed</h2>${gridHtml(CONTROL_COLUMNS, f.controls)}` +
    `<h2>Errors${f.status === "quarantined" ? " (why it was quarantined)" : ""}</h2>${gridHtml(ERROR_COLUMNS, f.errors)}` +
    `<h2>Warnings</h2>${gridHtml(ERROR_COLUMNS, f.warnings)}` +
    `<h2>Payments</h2>${gridHtml(PAYMENT_COLUMNS, v.payments)}${next}` +
    `<p><a href="${href(path, { ...ctx.query, format: "csv" })}">Download these payments as CSV</a></p>`;
  return consoleDocument(ctx, `File ${f.name}`, body);
}

async function required(ctx: PageContext): Promise<FileView> {
  const id = uuidParam(ctx.params, "id");
  const v = id ? await loadFile(ctx.db, id, decodeCursor(text(ctx.query, "after"), ["int"])) : null;
  if (!v) throw new PageNotFound(`file ${ctx.params.id ?? ""}`);
  return v;
}

export const filePage: ConsolePage = {
  path: "/console/files/:id",
  query: ["after"],
  title: "File",
  render: async (ctx) => renderFile(ctx, await required(ctx)),
  csv: async (ctx) => gridCsv(PAYMENT_COLUMNS, (await required(ctx)).payments),
};
