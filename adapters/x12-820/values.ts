import { decimalToCents } from "../../src/model/money";
import { x12Error } from "./errors";
import type { X12Segment } from "./segment-reader";
import { parseDay } from "../../src/adapter-kit/day-formats";

/** The element's X12 name: BPR + 2 → "BPR02". */
export function fieldName(segment: X12Segment, n: number): string {
  return `${segment.tag}${String(n).padStart(2, "0")}`;
}

/**
 * An X12 decimal (type R) in cents: "1250.1" → 125010, ".5" → 50, "-20" → -2000. Trailing zero
 * decimals beyond the cents are accepted ("10.500"); anything finer than a cent is an error.
 */
export function x12Cents(value: string, segment: X12Segment, n: number): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  const frac = m?.[3]?.replace(/0+$/, "") ?? "";
  if (!m || (m[2] === "" && (m[3] ?? "") === "") || frac.length > 2) {
    throw x12Error("invalid_amount", segment, fieldName(segment, n), { value });
  }
  return decimalToCents(`${m[1]}${m[2] || "0"}${frac ? `.${frac}` : ""}`);
}

/** CCYYMMDD → "YYYY-MM-DD"; the six-digit YYMMDD of ISA09 too. */
export function x12Date(value: string, segment: X12Segment, n: number): string {
  const v = value.trim();
  const format = v.length === 6 ? "yyMMdd" : "yyyyMMdd";
  const day = /^\d{6}(\d\d)?$/.test(v) ? parseDay(v, format) : null;
  if (!day) throw x12Error("invalid_date", segment, fieldName(segment, n), { value, format: "CCYYMMDD" });
  return day;
}

export interface DatePeriod {
  start: string;
  end: string | null;
}

/**
 * A DTM date or period: DTM05/DTM06 with format RD8 ("CCYYMMDD-CCYYMMDD") or D8, else DTM02 (D8).
 */
export function dtmPeriod(dtm: X12Segment): DatePeriod | null {
  const format = (dtm.elements[5] ?? "").trim();
  const period = (dtm.elements[6] ?? "").trim();
  if (period !== "") {
    if (format === "RD8" || period.includes("-")) {
      const [start, end = ""] = period.split("-");
      return { start: x12Date(start, dtm, 6), end: end ? x12Date(end, dtm, 6) : null };
    }
    return { start: x12Date(period, dtm, 6), end: null };
  }
  const single = (dtm.elements[2] ?? "").trim();
  return single ? { start: x12Date(single, dtm, 2), end: null } : null;
}
