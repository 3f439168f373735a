import { renderReportCsv } from "./render-csv";
import { renderReportHtml } from "./render-html";
import { renderReportJson } from "./render-json";
import { renderReportTable } from "./render-table";
import type { ReconciliationReport } from "./reconciliation";
import { REPORT_FORMATS, type ReportFormat } from "./formats";

export { buildReport, type ReconciliationReport, type ReportPeriod } from "./reconciliation";

export { REPORT_FORMATS, type ReportFormat };

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
