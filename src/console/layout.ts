import { REPORT_STYLE } from "../report/render-html";
import { h } from "./html";
import type { PageContext } from "./page";

/** The report's look (tables, charts, legends) plus what a console adds: navigation, filters, forms. */
export const CONSOLE_STYLE = `${REPORT_STYLE}
nav.top { background: var(--accent); padding: 8px 32px; display: flex; gap: 18px; align-items: center; }
nav.top a { color: #fff; text-decoration: none; }
nav.top a:focus, nav.top a:hover { text-decoration: underline; }
nav.top .who { margin-left: auto; color: #dfe8f1; }
a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #e0a100; outline-offset: 1px; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin: 10px 0; }
form.filters label, form.resolve label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
form.resolve { display: grid; grid-template-columns: repeat(3, minmax(120px, 1fr)) auto; gap: 6px; align-items: end; }
.pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px; align-items: start; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.facts dt { color: var(--muted); }
.pager { margin: 10px 0; display: flex; gap: 14px; }
pre { white-space: pre-wrap; font-size: 12px; margin: 0; }`;

const NAV: [string, string][] = [
  ["/console", "Dashboard"],
  ["/console/files", "Files"],
  ["/console/exceptions", "Exceptions"],
  ["/console/invoices", "Invoices"],
  ["/console/reconciliation", "Reconciliation"],
  ["/console/audit", "Audit log"],
];

/** A whole console document: navigation, the page's title and body. */
export function consoleDocument(ctx: Pick<PageContext, "user">, title: string, body: string): string {
  const links = NAV.map(([path, label]) => `<a href="${path}">${label}</a>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${h(title)} · billpay</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CONSOLE_STYLE}</style></head>
<body><nav class="top" aria-label="Console">${links}<span class="who">${h(ctx.user.name)} (${h(ctx.user.role)})</span></nav>
<main><header><h1>${h(title)}</h1></header>${body}</main></body></html>`;
}
