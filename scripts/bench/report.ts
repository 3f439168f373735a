import { renderTable, type Column } from "../../src/report/text-table";
import type { FloorRun } from "./floors";

/** One timed step, with the floor it is measured against (measured in the same run, on the same data). */
export interface StepResult {
  step: string;
  rows: number;
  seconds: number;
  floor: (FloorRun & { name: string }) | null;
  peakRssBytes: number;
}

export interface BenchReport {
  database: string;
  options: { entries: number; ingestEntries: number; payments: number; invoices: number };
  steps: StepResult[];
  peakRssBytes: number;
}

const perSecond = (rows: number, seconds: number) => (seconds > 0 ? rows / seconds : 0);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const grouped = (n: number) => Math.round(n).toLocaleString("en-US");

/** The step's figures against its floor: its rate as a share of the floor's, and its time in floor times for as many rows. */
function versusFloor(s: StepResult) {
  const rate = perSecond(s.rows, s.seconds);
  const floorRate = s.floor ? perSecond(s.floor.rows, s.floor.seconds) : null;
  return {
    rate,
    floorRate,
    ratio: floorRate ? rate / floorRate : null,
    timesFloorTime: floorRate && rate ? floorRate / rate : null,
  };
}

const COLUMNS: Column<StepResult>[] = [
  { header: "step", value: (s) => s.step },
  { header: "rows", value: (s) => grouped(s.rows), align: "right" },
  { header: "seconds", value: (s) => s.seconds.toFixed(2), align: "right" },
  { header: "rows/s", value: (s) => grouped(versusFloor(s).rate), align: "right" },
  { header: "floor", value: (s) => s.floor?.name ?? "" },
  { header: "floor s", value: (s) => s.floor?.seconds.toFixed(2) ?? "", align: "right" },
  { header: "floor rows/s", value: (s) => (s.floor ? grouped(versusFloor(s).floorRate ?? 0) : ""), align: "right" },
  { header: "ratio", value: (s) => percent(versusFloor(s).ratio), align: "right" },
  { header: "x floor time", value: (s) => times(versusFloor(s).timesFloorTime), align: "right" },
  { header: "peak RSS", value: (s) => `${mb(s.peakRssBytes)} MB`, align: "right" },
];

function percent(ratio: number | null): string {
  return ratio === null ? "" : `${(ratio * 100).toFixed(0)}%`;
}

function times(multiple: number | null): string {
  return multiple === null ? "" : `${multiple.toFixed(2)}x`;
}

/** The table for stdout: one line per step, then the run's peak RSS. */
export function renderReport(report: BenchReport): string {
  return [
    `billpay bench on ${report.database}`,
    renderTable(report.steps, COLUMNS),
    `ratio: rows/s as a share of the floor's rows/s; x floor time: the step's time over the floor's for as many rows`,
    `peak RSS overall: ${mb(report.peakRssBytes)} MB (process maxRSS ${mb(process.resourceUsage().maxRSS * 1024)} MB)`,
  ].join("\n");
}

const rounded = (n: number | null, digits: number) => (n === null ? null : Number(n.toFixed(digits)));

/** The same figures as one JSON object (seconds to the millisecond, rates to the row, ratios to 3 places). */
export function reportJson(report: BenchReport): string {
  const steps = report.steps.map((s) => {
    const v = versusFloor(s);
    return {
      step: s.step,
      rows: s.rows,
      seconds: rounded(s.seconds, 3),
      rowsPerSecond: Math.round(v.rate),
      floor: s.floor ? { name: s.floor.name, rows: s.floor.rows, seconds: rounded(s.floor.seconds, 3) } : null,
      floorRowsPerSecond: v.floorRate === null ? null : Math.round(v.floorRate),
      ratio: rounded(v.ratio, 3),
      timesFloorTime: rounded(v.timesFloorTime, 3),
      peakRssMB: mb(s.peakRssBytes),
    };
  });
  const maxRssMB = mb(process.resourceUsage().maxRSS * 1024);
  const { database, options } = report;
  return JSON.stringify({ database, options, steps, peakRssMB: mb(report.peakRssBytes), maxRssMB }, null, 2);
}
