import { centsToDecimal } from "../model";
import type { CountCents, ReconciliationReport } from "./reconciliation";

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

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderReportCsv(r: ReconciliationReport): string {
  const rows: CsvRow[] = [];
  for (const f of r.files) {
    rows.push({
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
    });
  }
  const facts = (day: string, dimension: string, values: Partial<Record<string, CountCents>>) => {
    for (const [value, v] of Object.entries(values))
      if (v) rows.push({ section: "day", day, dimension, value, count: v.count, amount: money(v.cents) });
  };
  for (const d of r.days) {
    facts(d.day, "kind", d.byKind);
    facts(d.day, "timing", d.byTiming);
    facts(d.day, "match", d.byMatch);
    rows.push({ section: "day", day: d.day, dimension: "net", value: "net", amount: money(d.netCents) });
    if (d.resent) rows.push({ section: "day", day: d.day, dimension: "resent", value: "not_counted", count: d.resent });
  }
  const m = r.matchRate;
  rows.push({
    section: "match_rate",
    dimension: "count",
    value: m.byCount,
    count: m.autoMatched,
    declared_count: m.payments,
  });
  rows.push({
    section: "match_rate",
    dimension: "amount",
    value: m.byAmount,
    amount: money(m.autoMatchedCents),
    declared_total: money(m.paymentCents),
  });
  for (const e of r.exceptions) {
    rows.push({
      section: "exceptions",
      value: e.reason,
      status: "open",
      count: e.open,
      amount: money(e.openCents),
      oldest_days: e.oldestOpenDays,
      mean_days: e.meanOpenDays,
      resolved: e.resolved,
    });
  }
  for (const b of r.bank) {
    rows.push({
      section: "bank",
      day: b.valueOn ?? b.settledOn,
      file: b.fileName,
      dimension: b.pairedBy,
      value: b.reference,
      declared_total: money(b.creditCents),
      parsed_total: money(b.remittanceCents),
      difference: money(b.differenceCents),
    });
  }
  const lines = [
    REPORT_CSV_COLUMNS.join(","),
    ...rows.map((row) => REPORT_CSV_COLUMNS.map((c) => cell(row[c])).join(",")),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
