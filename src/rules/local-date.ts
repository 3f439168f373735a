import { DateTime } from "luxon";
import type { IsoDate, YearMonth } from "../model/dates";

/**
 * Days and months as the payee counts them: local dates in America/New_York (PAYEE_ZONE), never
 * moments. Everything in rules/ goes through these so that a date is parsed and printed one way.
 *
 * A day here is already the New York calendar label ("2017-04-23"); adding days to a label or
 * counting between two labels does not depend on a zone, so the arithmetic runs in UTC, where
 * luxon has no daylight-saving transitions to resolve (several times faster per payment).
 */
const LABEL_ZONE = "utc";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const YEAR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * A pure function of its string arguments, remembered. A remittance file holds thousands of
 * payments but only a handful of distinct dates, so this keeps date parsing off the per-payment
 * path; the cache starts over when full, so a long-running service does not grow it without end.
 */
export function memoize<A extends string[], R>(fn: (...args: A) => R, limit = 4096): (...args: A) => R {
  const cache = new Map<string, R>();
  return (...args: A): R => {
    const key = args.length === 1 ? args[0] : args.join("|");
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as R;
    if (cache.size >= limit) cache.clear();
    const value = fn(...args);
    cache.set(key, value);
    return value;
  };
}

export function fromDateTime(dt: DateTime): IsoDate {
  return dt.toISODate() as IsoDate;
}

export class DateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DateInputError";
  }
}

/** "2017-02-30" is refused, not rolled over into March. */
export function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value) && DateTime.fromISO(value, { zone: LABEL_ZONE }).isValid;
}

export function isYearMonth(value: string): boolean {
  return YEAR_MONTH.test(value);
}

export function toDateTime(day: IsoDate): DateTime {
  const dt = ISO_DATE.test(day) ? DateTime.fromISO(day, { zone: LABEL_ZONE }) : null;
  if (!dt?.isValid) throw new DateInputError(`"${day}" is not a date (expected YYYY-MM-DD)`);
  return dt;
}

export function addDays(day: IsoDate, days: number): IsoDate {
  return fromDateTime(toDateTime(day).plus({ days }));
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toDateTime(to).toMillis() - toDateTime(from).toMillis()) / 86_400_000);
}

/** 1 = Monday … 7 = Sunday (ISO). */
export function isoWeekday(day: IsoDate): number {
  return toDateTime(day).weekday;
}

export function weekdayName(day: IsoDate): string {
  return toDateTime(day).setLocale("en-US").toFormat("cccc");
}

/** "January 1, 2017", as the payee's page prints dates. */
export const formatLongDate: (day: IsoDate) => string = memoize((day) =>
  toDateTime(day).setLocale("en-US").toFormat("MMMM d, yyyy"),
);

/** "May 2017". */
export const formatMonth: (month: YearMonth) => string = memoize((month) =>
  monthStart(month).setLocale("en-US").toFormat("MMMM yyyy"),
);

/** "April 18–20, 2017", or both dates in full when the range spans months. */
export function formatDateRange(from: IsoDate, to: IsoDate): string {
  const a = toDateTime(from).setLocale("en-US");
  const b = toDateTime(to).setLocale("en-US");
  if (from === to) return formatLongDate(from);
  if (a.year === b.year && a.month === b.month) return `${a.toFormat("MMMM d")}–${b.toFormat("d, yyyy")}`;
  return `${formatLongDate(from)} – ${formatLongDate(to)}`;
}

export function monthStart(month: YearMonth): DateTime {
  const m = YEAR_MONTH.exec(month);
  if (!m) throw new DateInputError(`"${month}" is not a month (expected YYYY-MM)`);
  return DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: LABEL_ZONE });
}

export function toYearMonth(dt: DateTime): YearMonth {
  return dt.toFormat("yyyy-MM") as YearMonth;
}

/** Month arithmetic on the label itself: matching asks it once per payment, and luxon costs more than the sum. */
export function addMonths(month: YearMonth, months: number): YearMonth {
  const m = YEAR_MONTH.exec(month);
  if (!m) throw new DateInputError(`"${month}" is not a month (expected YYYY-MM)`);
  const index = Number(m[1]) * 12 + Number(m[2]) - 1 + months;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, "0")}-${String(index - year * 12 + 1).padStart(2, "0")}`;
}
