import { cell } from "../report/render-csv";
import { h, href } from "./html";
import type { PageContext } from "./page";

/**
 * One table column, written once for both renderings: `text` is the value as CSV (and, escaped, as
 * HTML); `html` replaces it in the page where a cell links somewhere or holds a form.
 */
export interface GridColumn<T> {
  header: string;
  num?: boolean;
  text(row: T): string;
  html?(row: T): string;
}

export function gridHtml<T>(columns: GridColumn<T>[], rows: T[], caption?: string): string {
  if (!rows.length) return `<p class="empty">Nothing to show.</p>`;
  const head = columns.map((c) => `<th scope="col"${c.num ? ` class="num"` : ""}>${h(c.header)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${columns.map((c) => `<td${c.num ? ` class="num"` : ""}>${c.html ? c.html(r) : h(c.text(r))}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table>${caption ? `<caption>${h(caption)}</caption>` : ""}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The same columns and rows as the table, as CSV (CRLF lines, RFC 4180). */
export function gridCsv<T>(columns: GridColumn<T>[], rows: T[]): string {
  const lines = [columns.map((c) => cell(c.header)), ...rows.map((r) => columns.map((c) => cell(c.text(r))))];
  return lines.map((l) => l.join(",")).join("\r\n") + "\r\n";
}

/** A link to this page's CSV: the same path and filters, with format=csv. */
export function csvLink(path: string, ctx: Pick<PageContext, "query">): string {
  return `<p><a href="${href(path, { ...ctx.query, format: "csv" })}">Download this table as CSV</a></p>`;
}
