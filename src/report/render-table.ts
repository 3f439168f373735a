import { renderTable } from "./text-table";
import { formatUsd, MATCH_STATUSES, PAYMENT_KINDS, TIMING_STATUSES } from "../model";
import { ageText, controlsText, countCents, optionalCount, optionalUsd, presentKeys } from "./labels";
import type { BankLine } from "./bank-pairing";
import type { DayLine, ExceptionLine, FileLine, ReconciliationReport } from "./reconciliation";

function daysTable<K extends string>(
  days: DayLine[],
  pick: (d: DayLine) => Partial<Record<K, { count: number; cents: number }>>,
  order: readonly K[],
): string {
  const keys = presentKeys(order, days.map(pick));
  return renderTable(days, [
    { header: "DAY", value: (d) => d.day },
    ...keys.map((k) => ({
      header: k.toUpperCase(),
      value: (d: DayLine) => countCents(pick(d)[k]),
      align: "right" as const,
    })),
  ]);
}

function filesSection(files: FileLine[]): string[] {
  return [
    "FILES: declared (file controls) against parsed",
    files.length
      ? renderTable(files, [
          { header: "FILE", value: (f) => f.name },
          { header: "AGGREGATOR", value: (f) => f.aggregator },
          { header: "STATUS", value: (f) => f.status },
          { header: "DECL#", value: (f) => optionalCount(f.declaredCount), align: "right" },
          { header: "PARSED#", value: (f) => optionalCount(f.parsedCount), align: "right" },
          { header: "DECLARED", value: (f) => optionalUsd(f.declaredTotalCents), align: "right" },
          { header: "PARSED", value: (f) => optionalUsd(f.parsedTotalCents), align: "right" },
          { header: "CONTROLS", value: (f) => controlsText(f) },
          { header: "NET", value: (f) => formatUsd(f.netCents), align: "right" },
        ])
      : "(none)",
    "",
  ];
}

function daysSections(days: DayLine[]): string[] {
  const out = [
    "SETTLEMENT DAYS by kind (count · amount)",
    days.length ? daysTable(days, (d) => d.byKind, PAYMENT_KINDS) : "(none)",
    "",
  ];
  // With no days, the kind table's "(none)" already says so; timing and match would only repeat it.
  if (days.length) {
    out.push(
      "SETTLEMENT DAYS by timing (payments)",
      daysTable(days, (d) => d.byTiming, TIMING_STATUSES),
      "",
    );
    out.push(
      "SETTLEMENT DAYS by match status",
      daysTable(days, (d) => d.byMatch, MATCH_STATUSES),
      "",
    );
  }
  return out;
}

function totalsSection(r: ReconciliationReport): string[] {
  const m = r.matchRate;
  return [
    `TOTALS: net ${formatUsd(r.totals.netCents)}${r.totals.resent ? `; ${r.totals.resent} resent duplicates not counted` : ""}`,
    `AUTO-MATCH RATE: ${m.byCount} by count (${m.autoMatched} of ${m.payments}), ${m.byAmount} by amount (${formatUsd(m.autoMatchedCents)} of ${formatUsd(m.paymentCents)})`,
    `  with repair suggestions applied: ${m.withSuggestions.byCount} by count (${m.withSuggestions.matched}), ${m.withSuggestions.byAmount} by amount (${formatUsd(m.withSuggestions.matchedCents)})`,
    ...(["aggregator", "rung"] as const).map((by) =>
      renderTable(by === "aggregator" ? m.byAggregator : m.byRung, [
        { header: by.toUpperCase(), value: (l) => l.key },
        { header: "PAYMENTS", value: (l) => String(l.payments), align: "right" },
        { header: "AUTO", value: (l) => String(l.autoMatched), align: "right" },
        { header: "WITH SUGGESTIONS", value: (l) => String(l.withSuggestions), align: "right" },
      ]),
    ),
    "",
  ];
}

function exceptionsSection(exceptions: ExceptionLine[]): string[] {
  return [
    "EXCEPTIONS by reason",
    exceptions.length
      ? renderTable(exceptions, [
          { header: "REASON", value: (e) => e.reason },
          { header: "OPEN", value: (e) => String(e.open), align: "right" },
          { header: "OPEN AMOUNT", value: (e) => formatUsd(e.openCents), align: "right" },
          { header: "OLDEST", value: (e) => ageText(e.oldestOpenDays), align: "right" },
          { header: "MEAN AGE", value: (e) => ageText(e.meanOpenDays), align: "right" },
          { header: "RESOLVED", value: (e) => String(e.resolved), align: "right" },
        ])
      : "(none)",
    "",
  ];
}

function bankSection(bank: BankLine[], rule: string): string[] {
  return [
    "BANK CREDITS against remittance files",
    bank.length
      ? renderTable(bank, [
          { header: "VALUE DATE", value: (b) => b.valueOn ?? "–" },
          { header: "REFERENCE", value: (b) => b.reference ?? "–" },
          { header: "CREDIT", value: (b) => optionalUsd(b.creditCents), align: "right" },
          { header: "FILE", value: (b) => b.fileName ?? "–" },
          { header: "SETTLED", value: (b) => b.settledOn ?? "–" },
          { header: "REMITTED", value: (b) => optionalUsd(b.remittanceCents), align: "right" },
          { header: "DIFFERENCE", value: (b) => formatUsd(b.differenceCents), align: "right" },
          { header: "PAIRED BY", value: (b) => b.pairedBy },
        ])
      : "(no bank credits in the period)",
    "",
    `Pairing rule: ${rule}`,
  ];
}

/** The report as plain-text tables for a terminal. */
export function renderReportTable(r: ReconciliationReport): string {
  const out: string[] = [
    `Reconciliation ${r.period.from} to ${r.period.to} (as of ${r.generatedAt})`,
    "",
    ...filesSection(r.files),
    ...daysSections(r.days),
    ...totalsSection(r),
    ...exceptionsSection(r.exceptions),
    ...bankSection(r.bank, r.bankPairingRule),
  ];
  return `${out.join("\n")}\n`;
}
