import { centsToDecimal } from "../model";
import type { ReconciliationReport } from "./reconciliation";

/**
 * The report as JSON: every `…Cents` integer keeps its place and gains a decimal-dollar twin
 * `…Amount` (`netCents: 125010` → `netAmount: "1250.10"`; `cents` → `amount`), for readers that want either.
 */
export function reportJson(r: ReconciliationReport): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        out[k] = walk(x);
        if (/^(cents|.+Cents)$/.test(k) && typeof x === "number")
          out[k === "cents" ? "amount" : k.replace(/Cents$/, "Amount")] = centsToDecimal(x);
      }
      return out;
    }
    return v;
  };
  return walk(r);
}

export function renderReportJson(r: ReconciliationReport): string {
  return `${JSON.stringify(reportJson(r), null, 2)}\n`;
}
