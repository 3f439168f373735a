import { DateTime } from "luxon";
import { decimalToCents, MoneyFormatError, PAYEE_ZONE } from "../model";
import { isIsoDate } from "../rules/local-date";
import { PageInputError, type PageContext } from "./page";

export { PageInputError };

type Query = PageContext["query"];

/** Longer than any name, code or account a filter compares with: a longer value is a mistake or a probe. */
export const MAX_TEXT = 200;

/** A trimmed parameter, or null when absent or blank (control characters never get here: ./url-encoding). */
export function text(q: Query, name: string): string | null {
  const v = q[name]?.trim();
  if (v && v.length > MAX_TEXT) throw new PageInputError(`${name} must be at most ${MAX_TEXT} characters`);
  return v ? v : null;
}

export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], fallback: T): T {
  const v = text(q, name);
  if (v === null) return fallback;
  if (!(allowed as readonly string[]).includes(v))
    throw new PageInputError(`${name} must be one of ${allowed.join(", ")}`);
  return v as T;
}

const YEARS = { first: 1900, last: 2999 };

/**
 * A calendar day the service can reason about: PostgreSQL has no year 0, and a day late in 9999
 * plus the days a report adds is a five-digit year that neither it nor our date parsing takes.
 */
export function isDay(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return isIsoDate(value) && year >= YEARS.first && year <= YEARS.last;
}

export function isoDate(q: Query, name: string): string | null {
  const v = text(q, name);
  if (v !== null && !isDay(v))
    throw new PageInputError(`${name} must be a date (YYYY-MM-DD) in the years ${YEARS.first} to ${YEARS.last}`);
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A query parameter naming a row by its uuid (PostgreSQL would refuse anything else with an error). */
export function uuid(q: Query, name: string): string | null {
  const v = text(q, name);
  if (v !== null && !isUuid(v)) throw new PageInputError(`${name} must be a uuid`);
  return v?.toLowerCase() ?? null;
}

/** A path parameter that must be a uuid (anything else cannot name a row, so it is not found). */
export function uuidParam(params: PageContext["params"], name: string): string | null {
  const v = params[name] ?? "";
  return isUuid(v) ? v.toLowerCase() : null;
}
