import { csrfInput, escapeHtml } from "./html";
import type { ConsoleUser } from "./page";

/**
 * The console's frame: head, navigation, who is signed in and a sign-out form, then the page's
 * content. Everything is inline (no script, no font, no CDN): the console works offline.
 */

export const NAV: readonly { href: string; label: string }[] = [
  { href: "/console", label: "Dashboard" },
  { href: "/console/files", label: "Files" },
  { href: "/console/exceptions", label: "Exceptions" },
  { href: "/console/invoices", label: "Invoices" },
  { href: "/console/reconciliation", label: "Reconciliation" },
  { href: "/console/audit", label: "Audit" },
];

export const CONSOLE_CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24}
header{display:flex;gap:1.5rem;align-items:center;padding:.5rem 1rem;background:#1f3a5f;color:#fff}
header a{color:#fff}header nav{display:flex;gap:1rem;flex:1}header form{margin:0}
main{padding:1rem}table{border-collapse:collapse}th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
label{display:block;margin:.5rem 0 .2rem}.error{color:#a40000}
a:focus,button:focus,input:focus,select:focus{outline:2px solid #e0a000}
`;

/** A whole page without the signed-in frame (the sign-in form, errors before sign-in). */
export function bareLayout(title: string, bodyHtml: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)} · billpay</title><style>${CONSOLE_CSS}</style></head>` +
    `<body>${bodyHtml}</body></html>`
  );
}

export function layout(title: string, user: ConsoleUser, csrfToken: string, bodyHtml: string): string {
  const links = NAV.map((n) => `<a href="${n.href}">${escapeHtml(n.label)}</a>`).join("");
  const header =
    `<header><nav aria-label="Console">${links}</nav>` +
    `<span>${escapeHtml(user.name)} (${escapeHtml(user.role)})</span>` +
    `<form method="post" action="/console/logout">${csrfInput(csrfToken)}<button type="submit">Sign out</button></form>` +
    `</header>`;
  return bareLayout(title, `${header}<main><h1>${escapeHtml(title)}</h1>${bodyHtml}</main>`);
}
