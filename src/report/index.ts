import { renderReportCsv } from "./render-csv";
import { renderReportHtml } from "./render-html";
import { renderReportJson } from "./render-json";
import { renderReportTable } from "./render-table";
import type { ReconciliationReport } from "./reconciliation";

export { buildReport, type ReconciliationReport, type ReportPeriod } from "./reconciliation";

export const REPORT_FORMATS = ["table", "csv", "json", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(report: ReconciliationReport, format: ReportFormat): string {
  switch (format) {
    case "table":
      return renderReportTable(report);
    case "csv":
      return renderReportCsv(report);
    case "json":
      return renderReportJson(report);
    case "html":
      return renderReportHtml(report);
  }
}
