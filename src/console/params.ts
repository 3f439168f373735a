import { DateTime } from "luxon";
import { decimalToCents, MoneyFormatError, PAYEE_ZONE } from "../model";
import { isIsoDate } from "../rules/local-date";
import { PageInputError, type PageContext } from "./page";

export { PageInputError };

type Query = PageContext["query"];

/** A trimmed parameter, or null when absent or blank. */
export function text(q: Query, name: string): string | null {
  const v = q[name]?.trim();
  return v ? v : null;
}

export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], fallback: T): T {
  const v = text(q, name);
  if (v === null) return fallback;
  if (!(allowed as readonly string[]).includes(v))
    throw new PageInputError(`${name} must be one of ${allowed.join(", ")}`);
  return v as T;
}

export function isoDate(q: Query, name: string): string | null {
  const v = text(q, name);
  if (v !== null && !isIsoDate(v)) throw new PageInputError(`${name} must be a date (YYYY-MM-DD)`);
  return v;
}

/** An amount typed in dollars ("125.10") as integer cents. */
export function cents(q: Query, name: string): number | null {
  const v = text(q, name);
  if (v === null) return null;
  try {
    return decimalToCents(v.replace(/^\$/, "").replace(/,/g, ""));
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new PageInputError(`${name}: ${error.message}`);
    throw error;
  }
}

export function wholeNumber(q: Query, name: string, max: number): number | null {
  const v = text(q, name);
  if (v === null) return null;
  if (!/^\d+$/.test(v) || Number(v) > max) throw new PageInputError(`${name} must be a whole number up to ${max}`);
  return Number(v);
}

/** Today in the payee's zone, or the `day` parameter (a dashboard as of another day). */
export function localToday(q: Query): string {
  return isoDate(q, "day") ?? (DateTime.now().setZone(PAYEE_ZONE).toISODate() as string);
}

/** A path parameter that must be a uuid (anything else cannot name a row, so it is not found). */
export function uuidParam(params: PageContext["params"], name: string): string | null {
  const v = params[name] ?? "";
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? v.toLowerCase() : null;
}
