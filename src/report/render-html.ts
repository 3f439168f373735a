import {
  formatUsd,
  MATCH_STATUSES,
  PAYMENT_KINDS,
  TIMING_STATUSES,
  type MatchStatus,
  type TimingStatus,
} from "../model";
import { ageText, controlsText, countCents, optionalCount, optionalUsd, presentKeys } from "./labels";
import type { DayLine, ReconciliationReport } from "./reconciliation";
import { escapeHtml as h, ratioBar, stackedBars } from "./svg-charts";

const MATCH_COLORS: Record<MatchStatus, string> = {
  matched: "#2e7d4f",
  combined_plans: "#8e44ad",
  partial: "#e0a100",
  overpaid: "#d35400",
  unknown_account: "#c0392b",
  invalid_account: "#7f1d1d",
  duplicate_suspect: "#5d6d7e",
  reversed: "#2471a3",
  not_applicable: "#b3b6b7",
  unmatched: "#d5d8dc",
  to_return: "#a04000",
  returned: "#6e2c00",
};

export const TIMING_COLORS: Record<TimingStatus, string> = {
  early: "#5dade2",
  recommended: "#2e7d4f",
  short_lead: "#e0a100",
  late: "#c0392b",
  unknown: "#b3b6b7",
  not_applicable: "#e5e7e9",
};

export const REPORT_STYLE = `
:root { --ink:#1c2833; --muted:#5d6d7e; --line:#d5d8dc; --band:#f4f6f7; --accent:#1f4e79; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
header h1 { font-size: 24px; margin: 0 0 2px; color: var(--accent); }
header p { margin: 0; color: var(--muted); }
h2 { font-size: 17px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); color: var(--accent); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(165px, 1fr)); gap: 12px; margin-top: 18px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--band); }
.card b { display: block; font-size: 20px; }
.card span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card.warn b { color: #b03a2e; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 4px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--band); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.bad td { background: #fdedec; }
tfoot td { font-weight: 600; border-top: 2px solid var(--ink); }
figure { margin: 10px 0 14px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 12px "Segoe UI", Arial, sans-serif; fill: var(--ink); dominant-baseline: middle; }
svg text.note { fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; color: var(--muted); }
.key i { display: inline-block; width: 11px; height: 11px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
.ratio { display: flex; align-items: center; gap: 12px; margin: 6px 0; }
.ratio-label { width: 120px; color: var(--muted); }
.ratio-text { font-weight: 600; }
.rule { color: var(--muted); font-size: 12px; max-width: 900px; }
.empty { color: var(--muted); font-style: italic; }
@page { size: letter landscape; margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section, figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .card, th, tr.bad td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;

function table(
  headers: { label: string; num?: boolean }[],
  rows: string[][],
  foot?: string[],
  badRows: Set<number> = new Set(),
): string {
  const head = headers.map((c) => `<th${c.num ? ' class="num"' : ""}>${h(c.label)}</th>`).join("");
  const cell = (v: string, i: number) => `<td${headers[i]?.num ? ' class="num"' : ""}>${h(v)}</td>`;
  const body = rows.map((r, i) => `<tr${badRows.has(i) ? ' class="bad"' : ""}>${r.map(cell).join("")}</tr>`).join("");
  const tfoot = foot ? `<tfoot><tr>${foot.map(cell).join("")}</tr></tfoot>` : "";
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody>${tfoot}</table>`;
}

function dayTable<K extends string>(
  days: DayLine[],
  pick: (d: DayLine) => Partial<Record<K, { count: number; cents: number }>>,
  order: readonly K[],
): string {
  const keys = presentKeys(order, days.map(pick));
  return table(
    [{ label: "Settlement day" }, ...keys.map((k) => ({ label: k.replace(/_/g, " "), num: true }))],
    days.map((d) => [d.day, ...keys.map((k) => countCents(pick(d)[k]))]),
  );
}

/** The report as one self-contained HTML file: inline CSS and SVG, nothing fetched. */
// eslint-disable-next-line max-lines-per-function -- one HTML document, read top to bottom as the page it renders
export function renderReportHtml(r: ReconciliationReport): string {
  const m = r.matchRate;
  const openExceptions = r.exceptions.reduce((s, e) => s + e.open, 0);
  const bankDifference = r.bank.reduce((s, b) => s + b.differenceCents, 0);
  const badControls = r.files.filter((f) => !f.controlsAgree || f.status !== "posted").length;
  const cards = [
    ["Files", String(r.files.length), badControls > 0],
    ["Net received", formatUsd(r.totals.netCents), false],
    ["Auto-match (count)", m.byCount, false],
    ["Auto-match (amount)", m.byAmount, false],
    ["Open exceptions", String(openExceptions), openExceptions > 0],
    ["Bank difference", formatUsd(bankDifference), bankDifference !== 0],
  ]
    .map(
      ([label, value, warn]) =>
        `<div class="card${warn ? " warn" : ""}"><span>${h(label as string)}</span><b>${h(value as string)}</b></div>`,
    )
    .join("");

  const files = r.files.length
    ? table(
        [
          { label: "File" },
          { label: "Aggregator" },
          { label: "Status" },
          { label: "Declared #", num: true },
          { label: "Parsed #", num: true },
          { label: "Declared total", num: true },
          { label: "Parsed total", num: true },
          { label: "Controls" },
          { label: "Net", num: true },
        ],
        r.files.map((f) => [
          f.name,
          f.aggregator,
          f.status,
          optionalCount(f.declaredCount),
          optionalCount(f.parsedCount),
          optionalUsd(f.declaredTotalCents),
          optionalUsd(f.parsedTotalCents),
          controlsText(f),
          formatUsd(f.netCents),
        ]),
        ["Total", "", "", "", "", "", "", "", formatUsd(r.files.reduce((s, f) => s + f.netCents, 0))],
        new Set(r.files.flatMap((f, i) => (!f.controlsAgree || f.status !== "posted" ? [i] : []))),
      )
    : `<p class="empty">No files in the period.</p>`;

  const matchChart = stackedBars(
    "Amount of every entry settled per day (gross: payments, reversals and returns), by match status",
    r.days.map((d) => ({
      label: d.day,
      segments: MATCH_STATUSES.map((s) => ({
        label: s.replace(/_/g, " "),
        value: d.byMatch[s]?.cents ?? 0,
        color: MATCH_COLORS[s],
      })),
      note: formatUsd(Object.values(d.byMatch).reduce((s, v) => s + (v?.cents ?? 0), 0)),
    })),
  );
  const timingChart = stackedBars(
    "Payments per day, by timing against the 23rd (count)",
    r.days.map((d) => ({
      label: d.day,
      segments: TIMING_STATUSES.map((s) => ({
        label: s.replace(/_/g, " "),
        value: d.byTiming[s]?.count ?? 0,
        color: TIMING_COLORS[s],
      })),
      note: `${Object.values(d.byTiming).reduce((s, v) => s + (v?.count ?? 0), 0)} payments`,
    })),
  );
  const exceptionChart = stackedBars(
    "Open exceptions by reason (count)",
    r.exceptions.map((e) => ({
      label: e.reason.replace(/_/g, " "),
      segments: [{ label: "open", value: e.open, color: "#c0392b" }],
      note: `${e.open} · ${formatUsd(e.openCents)}`,
    })),
  );

  const days = r.days.length
    ? `${matchChart}${timingChart}<h3>By kind</h3>${dayTable(r.days, (d) => d.byKind, PAYMENT_KINDS)}<h3>By timing (payments)</h3>${dayTable(r.days, (d) => d.byTiming, TIMING_STATUSES)}<h3>By match status</h3>${dayTable(r.days, (d) => d.byMatch, MATCH_STATUSES)}` +
      (r.totals.resent
        ? `<p class="rule">${r.totals.resent} resent copies of payments already received are stored but not counted.</p>`
        : "")
    : `<p class="empty">No payments settled in the period.</p>`;

  const exceptions = r.exceptions.length
    ? exceptionChart +
      table(
        [
          { label: "Reason" },
          { label: "Open", num: true },
          { label: "Open amount", num: true },
          { label: "Oldest", num: true },
          { label: "Mean age", num: true },
          { label: "Resolved", num: true },
        ],
        r.exceptions.map((e) => [
          e.reason.replace(/_/g, " "),
          String(e.open),
          formatUsd(e.openCents),
          ageText(e.oldestOpenDays),
          ageText(e.meanOpenDays),
          String(e.resolved),
        ]),
        [
          "Total",
          String(openExceptions),
          formatUsd(r.exceptions.reduce((s, e) => s + e.openCents, 0)),
          "",
          "",
          String(r.exceptions.reduce((s, e) => s + e.resolved, 0)),
        ],
      )
    : `<p class="empty">No exceptions for payments in the period.</p>`;

  const bank = r.bank.length
    ? table(
        [
          { label: "Value date" },
          { label: "Reference" },
          { label: "Credit", num: true },
          { label: "Remittance file" },
          { label: "Settled" },
          { label: "Remitted", num: true },
          { label: "Difference", num: true },
          { label: "Paired by" },
        ],
        r.bank.map((b) => [
          b.valueOn ?? "–",
          b.reference ?? "–",
          optionalUsd(b.creditCents),
          b.fileName ?? "–",
          b.settledOn ?? "–",
          optionalUsd(b.remittanceCents),
          formatUsd(b.differenceCents),
          b.pairedBy.replace(/_/g, " "),
        ]),
        [
          "Total",
          "",
          optionalUsd(r.bank.reduce((s, b) => s + (b.creditCents ?? 0), 0)),
          "",
          "",
          optionalUsd(r.bank.reduce((s, b) => s + (b.remittanceCents ?? 0), 0)),
          formatUsd(bankDifference),
          "",
        ],
        new Set(r.bank.flatMap((b, i) => (b.differenceCents !== 0 ? [i] : []))),
      )
    : `<p class="empty">No bank credits in the period.</p>`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reconciliation ${h(r.period.from)} to ${h(r.period.to)}</title>
<style>${REPORT_STYLE}</style></head>
<body><main>
<header><h1>Bill-pay reconciliation</h1>
<p>MA Health Connector · settlement days ${h(r.period.from)} to ${h(r.period.to)} · as of ${h(r.generatedAt)}</p></header>
<div class="cards">${cards}</div>
<section><h2>Auto-match rate</h2>
${ratioBar("By count", m.autoMatched, m.payments, `${m.byCount} (${m.autoMatched} of ${m.payments} payments)`, "#2e7d4f")}
${ratioBar("By amount", m.autoMatchedCents, m.paymentCents, `${m.byAmount} (${formatUsd(m.autoMatchedCents)} of ${formatUsd(m.paymentCents)})`, "#1f4e79")}
${ratioBar("With repair suggestions", m.withSuggestions.matched, m.payments, `${m.withSuggestions.byCount} (${m.withSuggestions.matched} of ${m.payments} payments had each first suggestion been applied)`, "#7a5c1f")}
<p class="rule">Auto-matched: a payment the ladder matched exactly (account, coverage month and amount) with no person involved.</p>
${table(
  [
    { label: "Aggregator" },
    { label: "Payments", num: true },
    { label: "Auto-matched", num: true },
    { label: "With suggestions", num: true },
  ],
  m.byAggregator.map((l) => [l.key, String(l.payments), String(l.autoMatched), String(l.withSuggestions)]),
)}
${table(
  [
    { label: "Rung (match status)" },
    { label: "Payments", num: true },
    { label: "Auto-matched", num: true },
    { label: "With suggestions", num: true },
  ],
  m.byRung.map((l) => [l.key, String(l.payments), String(l.autoMatched), String(l.withSuggestions)]),
)}</section>
<section><h2>Files: declared against parsed</h2>${files}</section>
<section><h2>Settlement days</h2>${days}</section>
<section><h2>Exceptions by reason</h2>${exceptions}</section>
<section><h2>Bank credits against remittance files</h2>${bank}<p class="rule">${h(r.bankPairingRule)}</p></section>
</main></body></html>
`;
}
