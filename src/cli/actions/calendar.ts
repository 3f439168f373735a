import { formatDateRange, formatLongDate } from "../../rules/local-date";
import { calendarRows, type ScheduleAdvice } from "../../rules/timing";
import { CliExit, printJson } from "../exit";
import { resolvePolicy } from "../rules-input";
import { BAD_INPUT, type PolicyOptions } from "../rules-options";

interface CalendarOptions extends PolicyOptions {
  json?: boolean;
}

/** The first two headings are the payee page's own, so the table reads like the page. */
const HEADINGS = [
  "Coverage Start Date",
  "Payment Due Date",
  "Due weekday",
  "Recommended bill-pay window",
  "Last safe day",
];

/** `billpay calendar YEAR`: declared in src/cli/commands/calendar.ts. */
export async function calendarAction(yearText: string, options: CalendarOptions): Promise<void> {
  if (!/^\d{4}$/.test(yearText))
    throw new CliExit(BAD_INPUT, `year must be four digits, e.g. 2017 (got "${yearText}")`);
  const year = Number(yearText);
  const policy = await resolvePolicy(options);
  const rows = calendarRows(year, policy);
  if (options.json) {
    printJson({ year, dayCounting: policy.dayCounting, leadWindow: policy.leadWindow, rows });
    return;
  }
  const { min, max } = policy.leadWindow;
  process.stdout.write(
    `${year} monthly payment deadlines: bank bill-pay ${min}–${max} ${policy.dayCounting} days before the due date\n\n`,
  );
  process.stdout.write(`${alignColumns([HEADINGS, ...rows.map(cells)])}\n`);
}

function cells(row: ScheduleAdvice): string[] {
  return [
    formatLongDate(row.coverageStart),
    formatLongDate(row.dueOn),
    row.dueWeekday,
    formatDateRange(row.window.from, row.window.to),
    `${row.lastSafeWeekday}, ${formatLongDate(row.lastSafeDay)}`,
  ];
}

/** Columns padded to their widest cell and separated by two blanks (a single blank occurs inside cells). */
function alignColumns(table: string[][]): string {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table
    .map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join("  "))
    .join("\n");
}
