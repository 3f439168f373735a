import { centsToDecimal } from "../model";
import type { BankLine } from "./bank-pairing";
import type { CountCents, DayLine, ExceptionLine, FileLine, MatchRate, ReconciliationReport } from "./reconciliation";

/**
 * The report as one flat CSV (long format: one fact per row, a `section` column says which
 * table it belongs to), so a spreadsheet can filter and pivot it. Amounts are decimal dollars.
 */
export const REPORT_CSV_COLUMNS = [
  "section",
  "day",
  "file",
  "aggregator",
  "status",
  "dimension",
  "value",
  "count",
  "amount",
  "declared_count",
  "parsed_count",
  "declared_total",
  "parsed_total",
  "difference",
  "oldest_days",
  "mean_days",
  "resolved",
] as const;
type CsvRow = Partial<Record<(typeof REPORT_CSV_COLUMNS)[number], string | number | null>>;

const money = (cents: number | null | undefined) =>
  cents === null || cents === undefined ? null : centsToDecimal(cents);

/** One CSV field: quoted when it holds a quote, comma or line break. */
export function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function fileRow(f: FileLine): CsvRow {
  return {
    section: "file",
    file: f.name,
    aggregator: f.aggregator,
    status: f.status,
    dimension: "controls",
    value: f.controlsAgree ? "agree" : "mismatch",
    count: f.payments,
    amount: money(f.netCents),
    declared_count: f.declaredCount,
    parsed_count: f.parsedCount,
    declared_total: money(f.declaredTotalCents),
    parsed_total: money(f.parsedTotalCents),
  };
}

function dayFacts(day: string, dimension: string, values: Partial<Record<string, CountCents>>): CsvRow[] {
  const rows: CsvRow[] = [];
  for (const [value, v] of Object.entries(values))
    if (v) rows.push({ section: "day", day, dimension, value, count: v.count, amount: money(v.cents) });
  return rows;
}

function dayRows(d: DayLine): CsvRow[] {
  const rows = [
    ...dayFacts(d.day, "kind", d.byKind),
    ...dayFacts(d.day, "timing", d.byTiming),
    ...dayFacts(d.day, "match", d.byMatch),
  ];
  rows.push({ section: "day", day: d.day, dimension: "net", value: "net", amount: money(d.netCents) });
  if (d.resent) rows.push({ section: "day", day: d.day, dimension: "resent", value: "not_counted", count: d.resent });
  return rows;
}

function matchRateRows(m: MatchRate): CsvRow[] {
  return [
    {
      section: "match_rate",
      dimension: "count",
      value: m.byCount,
      count: m.autoMatched,
      declared_count: m.payments,
    },
    {
      section: "match_rate",
      dimension: "amount",
      value: m.byAmount,
      amount: money(m.autoMatchedCents),
      declared_total: money(m.paymentCents),
    },
    {
      section: "match_rate",
      dimension: "count_with_suggestions",
      value: m.withSuggestions.byCount,
      count: m.withSuggestions.matched,
      declared_count: m.payments,
    },
    ...(["aggregator", "rung"] as const).flatMap((by) =>
      (by === "aggregator" ? m.byAggregator : m.byRung).map((l) => ({
        section: "match_rate",
        dimension: `${by}:${l.key}`,
        value: `${l.autoMatched} auto, ${l.withSuggestions} with suggestions`,
        count: l.autoMatched,
        declared_count: l.payments,
      })),
    ),
  ];
}

function exceptionRow(e: ExceptionLine): CsvRow {
  return {
    section: "exceptions",
    value: e.reason,
    status: "open",
    count: e.open,
    amount: money(e.openCents),
    oldest_days: e.oldestOpenDays,
    mean_days: e.meanOpenDays,
    resolved: e.resolved,
  };
}

function bankRow(b: BankLine): CsvRow {
  return {
    section: "bank",
    day: b.valueOn ?? b.settledOn,
    file: b.fileName,
    dimension: b.pairedBy,
    value: b.reference,
    declared_total: money(b.creditCents),
    parsed_total: money(b.remittanceCents),
    difference: money(b.differenceCents),
  };
}

export function renderReportCsv(r: ReconciliationReport): string {
  const rows: CsvRow[] = [
    ...r.files.map(fileRow),
    ...r.days.flatMap(dayRows),
    ...matchRateRows(r.matchRate),
    ...r.exceptions.map(exceptionRow),
    ...r.bank.map(bankRow),
  ];
  const lines = [
    REPORT_CSV_COLUMNS.join(","),
    ...rows.map((row) => REPORT_CSV_COLUMNS.map((c) => cell(row[c])).join(",")),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
