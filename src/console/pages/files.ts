import { FILE_STATUSES, type ControlRecord } from "../../model";
import { agrees } from "../../report/reconciliation";
import type { Sql } from "../../store/sql";
import { localDateTime, usd } from "../format";
import { csvLink, gridCsv, gridHtml, type GridColumn } from "../grid";
import { h, href } from "../html";
import { decodeCursor, encodeCursor, splitPage } from "../keyset";
import { filterForm, selectField, textField } from "../form";
import { consoleDocument } from "../layout";
import type { ConsolePage, PageContext } from "../page";
import { isoDate, text } from "../params";

const PATH = "/console/files";
const PAGE_SIZE = 50;

export interface FilesFilter {
  status: string | null;
  aggregator: string | null;
  /** Received on this local day. */
  day: string | null;
  after: string[] | null;
}

export function filesFilter(q: PageContext["query"]): FilesFilter {
  return {
    status: text(q, "status"),
    aggregator: text(q, "aggregator"),
    day: isoDate(q, "day"),
    after: decodeCursor(text(q, "after"), ["timestamp", "uuid"]),
  };
}

export interface FileRow {
  id: string;
  name: string;
  aggregator: string;
  status: string;
  receivedAt: Date;
  receivedKey: string;
  payments: number;
  totalCents: string;
  errors: number;
  controlsAgree: boolean;
}

/** Newest first, a page at a time (keyset on received_at, id). */
export async function loadFiles(db: Sql, f: FilesFilter): Promise<{ rows: FileRow[]; next: string | null }> {
  const rows = (await db.query(
    `SELECT f.id, f.name, f.aggregator, f.status, f.received_at AS "receivedAt", f.received_at::text AS "receivedKey",
            f.payment_count AS payments, f.total_cents::text AS "totalCents", jsonb_array_length(f.errors) AS errors,
            f.controls
       FROM remittance_files f
      WHERE ($1::text IS NULL OR f.status = $1) AND ($2::text IS NULL OR f.aggregator = $2)
        AND ($3::date IS NULL OR (f.received_at AT TIME ZONE 'America/New_York')::date = $3::date)
        AND ($4::timestamptz IS NULL OR (f.received_at, f.id) < ($4::timestamptz, $5::uuid))
      ORDER BY f.received_at DESC, f.id DESC LIMIT $6`,
    [f.status, f.aggregator, f.day, f.after?.[0] ?? null, f.after?.[1] ?? null, PAGE_SIZE + 1],
  )) as (Omit<FileRow, "controlsAgree"> & { controls: ControlRecord[] })[];
  const page = splitPage(rows, PAGE_SIZE);
  const last = page.rows.at(-1);
  const files = page.rows.map(({ controls, ...r }) => ({ ...r, controlsAgree: controls.every(agrees) }));
  return { rows: files, next: page.more && last ? encodeCursor([last.receivedKey, last.id]) : null };
}

const COLUMNS: GridColumn<FileRow>[] = [
  { header: "Received", text: (r) => localDateTime(r.receivedAt) },
  { header: "File", text: (r) => r.name, html: (r) => `<a href="${PATH}/${h(r.id)}">${h(r.name)}</a>` },
  { header: "Aggregator", text: (r) => r.aggregator },
  { header: "Status", text: (r) => r.status },
  { header: "Payments", num: true, text: (r) => String(r.payments) },
  { header: "Net", num: true, text: (r) => usd(r.totalCents) },
  { header: "Controls", text: (r) => (r.controlsAgree ? "agree" : "MISMATCH") },
  { header: "Errors", num: true, text: (r) => String(r.errors) },
];

function filesFilterForm(ctx: PageContext): string {
  const q = ctx.query;
  return filterForm(PATH, [
    selectField("status", "Status", FILE_STATUSES, q.status),
    textField("aggregator", "Aggregator", q.aggregator),
    textField("day", "Received on (YYYY-MM-DD)", q.day),
  ]);
}

export const filesPage: ConsolePage = {
  path: PATH,
  query: ["status", "aggregator", "day", "after"],
  title: "Files",
  async render(ctx) {
    const v = await loadFiles(ctx.db, filesFilter(ctx.query));
    const next = v.next
      ? `<div class="pager"><a rel="next" href="${href(PATH, { ...ctx.query, after: v.next })}">Older files</a></div>`
      : "";
    return consoleDocument(ctx, "Files", filesFilterForm(ctx) + gridHtml(COLUMNS, v.rows) + next + csvLink(PATH, ctx));
  },
  csv: async (ctx) => gridCsv(COLUMNS, (await loadFiles(ctx.db, filesFilter(ctx.query))).rows),
};
