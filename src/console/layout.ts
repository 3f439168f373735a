import { REPORT_STYLE } from "../report/render-html";
import { csrfInput, h } from "./html";
import type { PageContext } from "./page";

/**
 * The console's frame: head, navigation, who is signed in and a sign-out form, then the page's
 * content. Everything is inline (no script, no font, no CDN): the console works offline. The look
 * is the report's (tables, charts, legends) plus what a console adds: navigation, filters, forms.
 */
export const CONSOLE_STYLE = `${REPORT_STYLE}
nav.top { background: var(--accent); padding: 8px 32px; display: flex; gap: 18px; align-items: center; }
nav.top a { color: #fff; text-decoration: none; }
nav.top a:focus, nav.top a:hover { text-decoration: underline; }
nav.top .who { margin-left: auto; color: #dfe8f1; }
nav.top form { margin: 0; }
a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #e0a100; outline-offset: 1px; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin: 10px 0; }
form.filters label, form.resolve label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
form.resolve { display: grid; grid-template-columns: repeat(3, minmax(120px, 1fr)) auto; gap: 6px; align-items: end; }
form.sign-in label { display: block; margin: .5rem 0 .2rem; }
.error { color: #a40000; }
.pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px; align-items: start; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.facts dt { color: var(--muted); }
.pager { margin: 10px 0; display: flex; gap: 14px; }
pre { white-space: pre-wrap; font-size: 12px; margin: 0; }`;

export const NAV: readonly [string, string][] = [
  ["/console", "Dashboard"],
  ["/console/files", "Files"],
  ["/console/exceptions", "Exceptions"],
  ["/console/invoices", "Invoices"],
  ["/console/reconciliation", "Reconciliation"],
  ["/console/audit", "Audit log"],
];

/** A whole page without the signed-in frame (the sign-in form, errors before sign-in). */
export function bareLayout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${h(title)} · billpay</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CONSOLE_STYLE}</style></head>
<body>${body}</body></html>`;
}

/** A whole console document: navigation, who is signed in, the sign-out form, the page's title and body. */
export function consoleDocument(ctx: Pick<PageContext, "user" | "csrfToken">, title: string, body: string): string {
  const links = NAV.map(([path, label]) => `<a href="${path}">${label}</a>`).join("");
  const signOut = `<form method="post" action="/console/logout">${csrfInput(ctx.csrfToken)}<button type="submit">Sign out</button></form>`;
  return bareLayout(
    title,
    `<nav class="top" aria-label="Console">${links}<span class="who">${h(ctx.user.name)} (${h(ctx.user.role)})</span>${signOut}</nav>
<main><header><h1>${h(title)}</h1></header>${body}</main>`,
  );
}
