import { formatUsd, MATCH_STATUSES, TIMING_STATUSES } from "../../model";
import type { BankLine } from "../../report/bank-pairing";
import { ageText, controlsText, countCents, optionalCount, optionalUsd } from "../../report/labels";
import { buildReport, type FileLine, type ReconciliationReport } from "../../report/reconciliation";
import { isDay } from "../params";
import { gridCsv, gridHtml, type GridColumn } from "../grid";
import { h } from "../html";
import { consoleDocument } from "../layout";
import { PageNotFound, type ConsolePage, type PageContext } from "../page";

const FILE_COLUMNS: GridColumn<FileLine>[] = [
  { header: "File", text: (f) => f.name, html: (f) => `<a href="/console/files/${h(f.id)}">${h(f.name)}</a>` },
  { header: "Aggregator", text: (f) => f.aggregator },
  { header: "Status", text: (f) => f.status },
  { header: "Declared #", num: true, text: (f) => optionalCount(f.declaredCount) },
  { header: "Parsed #", num: true, text: (f) => optionalCount(f.parsedCount) },
  { header: "Declared total", num: true, text: (f) => optionalUsd(f.declaredTotalCents) },
  { header: "Parsed total", num: true, text: (f) => optionalUsd(f.parsedTotalCents) },
  { header: "Controls", text: (f) => controlsText(f) },
  { header: "Net", num: true, text: (f) => formatUsd(f.netCents) },
];

const BANK_COLUMNS: GridColumn<BankLine>[] = [
  { header: "Value date", text: (b) => b.valueOn ?? "–" },
  { header: "Statement", text: (b) => b.statement ?? "–" },
  { header: "Reference", text: (b) => b.reference ?? "–" },
  { header: "Credit", num: true, text: (b) => optionalUsd(b.creditCents) },
  {
    header: "Remittance file",
    text: (b) => b.fileName ?? "–",
    html: (b) => (b.fileId ? `<a href="/console/files/${h(b.fileId)}">${h(b.fileName)}</a>` : "–"),
  },
  { header: "Settled", text: (b) => b.settledOn ?? "–" },
  { header: "Remitted", num: true, text: (b) => optionalUsd(b.remittanceCents) },
  { header: "Difference", num: true, text: (b) => formatUsd(b.differenceCents) },
  { header: "Paired by", text: (b) => b.pairedBy.replace(/_/g, " ") },
];

type Exception = ReconciliationReport["exceptions"][number];
const EXCEPTION_COLUMNS: GridColumn<Exception>[] = [
  { header: "Reason", text: (e) => e.reason },
  { header: "Open", num: true, text: (e) => String(e.open) },
  { header: "Open amount", num: true, text: (e) => formatUsd(e.openCents) },
  { header: "Oldest", num: true, text: (e) => ageText(e.oldestOpenDays) },
  { header: "Resolved", num: true, text: (e) => String(e.resolved) },
];

/** Counts of a day by status (timing or match), as rows of a two-column table. */
function statusTable(statuses: readonly string[], values: Partial<Record<string, { count: number; cents: number }>>) {
  const present = statuses.filter((s) => values[s]);
  return gridHtml<string>(
    [
      { header: "Status", text: (s) => s },
      { header: "Count · amount", num: true, text: (s) => countCents(values[s]) },
    ],
    present,
  );
}

export function renderSettlementDay(ctx: PageContext, r: ReconciliationReport): string {
  const day = r.days[0];
  const body =
    `<p><a href="/console/reconciliation?from=${h(r.period.from.slice(0, 7))}-01&amp;to=${h(r.period.to)}">Back to the month</a></p>` +
    `<h2>Bank credits against remittance files</h2>${gridHtml(BANK_COLUMNS, r.bank)}` +
    `<p><a href="/console/reconciliation/${h(r.period.from)}?format=csv">Download the bank lines as CSV</a></p>` +
    `<h2>Files</h2>${gridHtml(FILE_COLUMNS, r.files)}` +
    `<div class="pair"><section><h2>By match status</h2>${statusTable(MATCH_STATUSES, day?.byMatch ?? {})}</section>` +
    `<section><h2>By timing (payments)</h2>${statusTable(TIMING_STATUSES, day?.byTiming ?? {})}</section></div>` +
    `<h2>Exceptions of the day's payments</h2>${gridHtml(EXCEPTION_COLUMNS, r.exceptions)}` +
    `<p class="rule">${h(r.bankPairingRule)}</p>`;
  return consoleDocument(ctx, `Settlement day ${r.period.from}: net ${formatUsd(r.totals.netCents)}`, body);
}

async function load(ctx: PageContext): Promise<ReconciliationReport> {
  const day = ctx.params.day ?? "";
  if (!isDay(day)) throw new PageNotFound(`settlement day ${day}`);
  return buildReport(ctx.db, { from: day, to: day });
}

export const settlementDayPage: ConsolePage = {
  path: "/console/reconciliation/:day",
  query: [],
  title: "Settlement day",
  render: async (ctx) => renderSettlementDay(ctx, await load(ctx)),
  csv: async (ctx) => gridCsv(BANK_COLUMNS, (await load(ctx)).bank),
};
