import { formatUsd, TIMING_STATUSES, type TimingStatus } from "../../model";
import { TIMING_COLORS } from "../../report/render-html";
import { bankLines, percent, type CountCents, type MatchRate } from "../../report/reconciliation";
import { ratioBar, stackedBars } from "../../report/svg-charts";
import { addDays, addMonths } from "../../rules/local-date";
import { centsFromDb } from "../../store/columns";
import type { Sql } from "../../store/sql";
import { csvLink, gridCsv, gridHtml, type GridColumn } from "../grid";
import { h } from "../html";
import { consoleDocument } from "../layout";
import type { ConsolePage, PageContext } from "../page";
import { localToday } from "../params";

export const AGE_BUCKETS = ["0–2 days", "3–7 days", "8–30 days", "over 30 days"] as const;
const AGE_COLORS = ["#5dade2", "#e0a100", "#d35400", "#c0392b"];

/** The auto-match rate without the report's breakdowns (by aggregator, by rung, with suggestions). */
export type AutoMatchRate = Pick<
  MatchRate,
  "payments" | "paymentCents" | "autoMatched" | "autoMatchedCents" | "byCount" | "byAmount"
>;

export interface DashboardView {
  today: string;
  month: { from: string; to: string };
  files: { status: string; today: number; month: number }[];
  matchRate: AutoMatchRate;
  exceptions: { reason: string; bucket: number; count: number; cents: number }[];
  bank: { day: string; creditCents: number; remittanceCents: number; differenceCents: number }[];
  timing: Partial<Record<TimingStatus, CountCents>>;
}

async function fileCounts(db: Sql, today: string, monthFrom: string): Promise<DashboardView["files"]> {
  return (await db.query(
    `SELECT status, count(*) FILTER (WHERE d = $1::date)::int AS today, count(*)::int AS month
       FROM (SELECT status, (received_at AT TIME ZONE 'America/New_York')::date AS d FROM remittance_files
              WHERE received_at >= ($2::date::timestamp AT TIME ZONE 'America/New_York')
                AND received_at < (($1::date + 1)::timestamp AT TIME ZONE 'America/New_York')) f
      GROUP BY status ORDER BY status`,
    [today, monthFrom],
  )) as DashboardView["files"];
}

/** Every open exception by reason and age bucket (the partial open-queue indexes hold them all). */
async function openExceptions(db: Sql, asOf: Date): Promise<DashboardView["exceptions"]> {
  const rows = (await db.query(
    `SELECT reason, width_bucket(extract(epoch FROM ($1::timestamptz - opened_at)) / 86400, ARRAY[3, 8, 31]::numeric[]) AS bucket,
            count(*)::int AS count, sum(amount_cents)::text AS cents
       FROM exceptions WHERE status = 'open' GROUP BY 1, 2 ORDER BY 1, 2`,
    [asOf.toISOString()],
  )) as { reason: string; bucket: number; count: number; cents: string }[];
  return rows.map((r) => ({ ...r, cents: Number(r.cents) }));
}

/** The reconciliation's bank pairing for the month, summed by day (value date, else settlement day). */
async function bankByDay(db: Sql, from: string, to: string): Promise<DashboardView["bank"]> {
  const byDay = new Map<string, DashboardView["bank"][number]>();
  for (const b of (await bankLines(db, { from, to })).lines) {
    const day = b.valueOn ?? b.settledOn ?? "";
    const slot = byDay.get(day) ?? { day, creditCents: 0, remittanceCents: 0, differenceCents: 0 };
    slot.creditCents += b.creditCents ?? 0;
    slot.remittanceCents += b.remittanceCents ?? 0;
    slot.differenceCents += b.differenceCents;
    byDay.set(day, slot);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * The month's payments by timing status, and how many were matched with no person: one pass over
 * the month's payments (a month of a 1M-payment book is 85k of them), the same figures as the
 * reconciliation report's days and auto-match rate.
 */
async function paymentFigures(db: Sql, from: string, to: string): Promise<Pick<DashboardView, "matchRate" | "timing">> {
  const rows = (await db.query(
    `SELECT timing_status, count(*)::int AS count, sum(amount_cents)::text AS cents,
            count(*) FILTER (WHERE auto_rule IS NOT NULL)::int AS auto,
            coalesce(sum(amount_cents) FILTER (WHERE auto_rule IS NOT NULL), 0)::text AS auto_cents
       FROM payments WHERE kind = 'payment' AND status = 'active' AND settled_on BETWEEN $1::date AND $2::date
      GROUP BY 1`,
    [from, to],
  )) as { timing_status: TimingStatus; count: number; cents: string; auto: number; auto_cents: string }[];
  const timing: DashboardView["timing"] = {};
  const total = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((t, r) => t + pick(r), 0);
  for (const r of rows) timing[r.timing_status] = { count: r.count, cents: centsFromDb(r.cents) };
  const [payments, paymentCents, autoMatched, autoMatchedCents] = [
    total((r) => r.count),
    total((r) => centsFromDb(r.cents)),
    total((r) => r.auto),
    total((r) => centsFromDb(r.auto_cents)),
  ];
  return {
    timing,
    matchRate: {
      payments,
      paymentCents,
      autoMatched,
      autoMatchedCents,
      byCount: percent(autoMatched, payments),
      byAmount: percent(autoMatchedCents, paymentCents),
    },
  };
}

/** The month to date of `today` (a local day): independent queries, run side by side on a pool. */
export async function loadDashboard(db: Sql, today: string, asOf = new Date()): Promise<DashboardView> {
  const from = `${today.slice(0, 7)}-01`;
  const monthEnd = addDays(`${addMonths(today.slice(0, 7), 1)}-01`, -1);
  const [files, figures, exceptions, bank] = await Promise.all([
    fileCounts(db, today, from),
    paymentFigures(db, from, monthEnd),
    openExceptions(db, asOf),
    bankByDay(db, from, monthEnd),
  ]);
  return { today, month: { from, to: monthEnd }, files, ...figures, exceptions, bank };
}

function beside(chart: string, table: string): string {
  return `<div class="pair"><div>${chart}</div><div>${table}</div></div>`;
}

function filesSection(v: DashboardView): string {
  const columns: GridColumn<DashboardView["files"][number]>[] = [
    { header: "Status", text: (r) => r.status },
    { header: "Today", num: true, text: (r) => String(r.today) },
    { header: "This month", num: true, text: (r) => String(r.month) },
  ];
  const colors: Record<string, string> = {
    posted: "#2e7d4f",
    quarantined: "#c0392b",
    duplicate: "#5d6d7e",
    failed: "#7f1d1d",
  };
  const bar = (label: string, pick: (r: DashboardView["files"][number]) => number) => ({
    label,
    segments: v.files.map((r) => ({ label: r.status, value: pick(r), color: colors[r.status] ?? "#b3b6b7" })),
    note: `${v.files.reduce((s, r) => s + pick(r), 0)} files`,
  });
  const chart = stackedBars(
    "Files received",
    [bar(`Today ${v.today}`, (r) => r.today), bar("This month", (r) => r.month)],
    560,
  );
  return `<h2>Files</h2>${beside(chart, gridHtml(columns, v.files))}<p><a href="/console/files?day=${h(v.today)}">Today's files</a></p>`;
}

function matchSection(v: DashboardView): string {
  const m = v.matchRate;
  const chart =
    ratioBar("By count", m.autoMatched, m.payments, m.byCount, "#2e7d4f") +
    ratioBar("By amount", m.autoMatchedCents, m.paymentCents, m.byAmount, "#1f4e79");
  const table = gridHtml(
    [
      { header: "", text: (r: string[]) => r[0] },
      { header: "Auto-matched", num: true, text: (r: string[]) => r[1] },
      { header: "Of", num: true, text: (r: string[]) => r[2] },
      { header: "Rate", num: true, text: (r: string[]) => r[3] },
    ],
    [
      ["Count", String(m.autoMatched), String(m.payments), m.byCount],
      ["Amount", formatUsd(m.autoMatchedCents), formatUsd(m.paymentCents), m.byAmount],
    ],
  );
  return `<h2>Auto-match rate, payments settled this month</h2>${beside(chart, table)}`;
}

function exceptionsSection(v: DashboardView): string {
  const reasons = [...new Set(v.exceptions.map((e) => e.reason))];
  const cell = (reason: string, bucket: number) => v.exceptions.find((e) => e.reason === reason && e.bucket === bucket);
  const rows = reasons.map((reason) => ({
    label: reason.replace(/_/g, " "),
    segments: AGE_BUCKETS.map((b, i) => ({ label: b, value: cell(reason, i)?.count ?? 0, color: AGE_COLORS[i] })),
    note: formatUsd(v.exceptions.filter((e) => e.reason === reason).reduce((s, e) => s + e.cents, 0)),
  }));
  const columns: GridColumn<string>[] = [
    { header: "Reason", text: (r) => r, html: (r) => `<a href="/console/exceptions?reason=${h(r)}">${h(r)}</a>` },
    ...AGE_BUCKETS.map((b, i) => ({ header: b, num: true, text: (r: string) => String(cell(r, i)?.count ?? 0) })),
  ];
  return `<h2>Open exceptions by reason and age</h2>${beside(stackedBars("Open exceptions (count)", rows, 560), gridHtml(columns, reasons))}`;
}

function bankSection(v: DashboardView): string {
  const rows = v.bank.map((d) => ({
    label: d.day,
    segments: [
      { label: "bank over remittance", value: Math.max(0, d.differenceCents), color: "#2471a3" },
      { label: "bank short of remittance", value: Math.max(0, -d.differenceCents), color: "#c0392b" },
    ],
    note: formatUsd(d.differenceCents),
  }));
  const columns: GridColumn<DashboardView["bank"][number]>[] = [
    { header: "Day", text: (d) => d.day, html: (d) => `<a href="/console/reconciliation/${h(d.day)}">${h(d.day)}</a>` },
    { header: "Credits", num: true, text: (d) => formatUsd(d.creditCents) },
    { header: "Remitted", num: true, text: (d) => formatUsd(d.remittanceCents) },
    { header: "Difference", num: true, text: (d) => formatUsd(d.differenceCents) },
  ];
  return `<h2>Bank difference by day</h2>${beside(stackedBars("Bank credits less remittance", rows, 560), gridHtml(columns, v.bank))}`;
}

function timingSection(v: DashboardView): string {
  const statuses = TIMING_STATUSES.filter((s) => v.timing[s]);
  const rows = statuses.map((s) => ({
    label: s.replace(/_/g, " "),
    segments: [{ label: s.replace(/_/g, " "), value: v.timing[s]?.count ?? 0, color: TIMING_COLORS[s] }],
    note: `${v.timing[s]?.count ?? 0} · ${formatUsd(v.timing[s]?.cents ?? 0)}`,
  }));
  const columns: GridColumn<TimingStatus>[] = [
    { header: "Timing", text: (s) => s },
    { header: "Payments", num: true, text: (s) => String(v.timing[s]?.count ?? 0) },
    { header: "Amount", num: true, text: (s) => formatUsd(v.timing[s]?.cents ?? 0) },
  ];
  return `<h2>Payments settled this month by timing against the 23rd</h2>${beside(stackedBars("Payments (count)", rows, 560), gridHtml(columns, statuses))}`;
}

export function renderDashboard(ctx: PageContext, v: DashboardView): string {
  const body =
    `<p>Today is ${h(v.today)} (New York); the month is ${h(v.month.from)} to ${h(v.month.to)}.</p>` +
    filesSection(v) +
    matchSection(v) +
    exceptionsSection(v) +
    bankSection(v) +
    timingSection(v) +
    csvLink("/console", ctx);
  return consoleDocument(ctx, "Dashboard", body);
}

/** One figure of the dashboard, for its CSV: every chart's table in one long table. */
type Figure = [section: string, item: string, measure: string, value: string];

const FIGURE_COLUMNS: GridColumn<Figure>[] = ["Section", "Item", "Measure", "Value"].map((header, i) => ({
  header,
  text: (f: Figure) => f[i],
}));

function figures(v: DashboardView): Figure[] {
  const m = v.matchRate;
  return [
    ...v.files.flatMap((r): Figure[] => [
      ["files", r.status, "today", String(r.today)],
      ["files", r.status, "this month", String(r.month)],
    ]),
    ["auto-match", "count", `${m.autoMatched} of ${m.payments}`, m.byCount],
    ["auto-match", "amount", `${formatUsd(m.autoMatchedCents)} of ${formatUsd(m.paymentCents)}`, m.byAmount],
    ...v.exceptions.map((e): Figure => ["open exceptions", e.reason, AGE_BUCKETS[e.bucket], String(e.count)]),
    ...v.bank.map((d): Figure => ["bank difference", d.day, "credits less remitted", formatUsd(d.differenceCents)]),
    ...TIMING_STATUSES.filter((t) => v.timing[t]).map((t): Figure => [
      "timing",
      t,
      `${v.timing[t]?.count ?? 0} payments`,
      formatUsd(v.timing[t]?.cents ?? 0),
    ]),
  ];
}

export const dashboardPage: ConsolePage = {
  path: "/console",
  query: ["day"],
  title: "Dashboard",
  render: async (ctx) => renderDashboard(ctx, await loadDashboard(ctx.db, localToday(ctx.query))),
  csv: async (ctx) => gridCsv(FIGURE_COLUMNS, figures(await loadDashboard(ctx.db, localToday(ctx.query)))),
};
