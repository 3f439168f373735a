/** The report's output formats (`billpay report --format`); src/report/index.ts renders them. */
export const REPORT_FORMATS = ["table", "csv", "json", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
