import { allForYear } from "@18f/us-federal-holidays";
import type { IsoDate } from "../model/dates";
import { addDays, isoWeekday, toDateTime } from "./local-date";

/**
 * Banking days as ACH settles them: Monday to Friday except Federal Reserve holidays. The Fed
 * observes a Sunday holiday on the Monday after, but does NOT move a Saturday holiday to the
 * Friday before (it stays open that Friday), hence shiftSaturdayHolidays: false.
 */

const byYear = new Map<number, ReadonlySet<IsoDate>>();

export function federalReserveHolidays(year: number): ReadonlySet<IsoDate> {
  let days = byYear.get(year);
  if (!days) {
    // dateString is built from the same local calendar date the library computed: no time zone drift.
    days = new Set(
      allForYear(year, { shiftSaturdayHolidays: false, shiftSundayHolidays: true }).map((h) => h.dateString),
    );
    byYear.set(year, days);
  }
  return days;
}

export function isFederalReserveHoliday(day: IsoDate): boolean {
  return federalReserveHolidays(toDateTime(day).year).has(day);
}

export function isBankingDay(day: IsoDate): boolean {
  return isoWeekday(day) <= 5 && !isFederalReserveHoliday(day);
}

/**
 * Banking days after `from` up to and including `to`; negative when `to` is earlier. With every
 * day a banking day this equals the calendar difference, which keeps both policies comparable.
 */
export function bankingDaysBetween(from: IsoDate, to: IsoDate): number {
  if (from === to) return 0;
  const forward = from < to;
  const [start, end] = forward ? [from, to] : [to, from];
  const last = toDateTime(end);
  let count = 0;
  for (let day = toDateTime(start).plus({ days: 1 }); day <= last; day = day.plus({ days: 1 })) {
    if (day.weekday <= 5 && !federalReserveHolidays(day.year).has(day.toISODate() as IsoDate)) count += 1;
  }
  return forward ? count : -count;
}

/** The banking day on or before `day`. */
export function bankingDayOnOrBefore(day: IsoDate): IsoDate {
  let d = day;
  while (!isBankingDay(d)) d = addDays(d, -1);
  return d;
}

/** The `n`th banking day after `day` (n >= 0; n = 0 is `day` itself). */
export function addBankingDays(day: IsoDate, n: number): IsoDate {
  let d = day;
  for (let left = n; left > 0;) {
    d = addDays(d, 1);
    if (isBankingDay(d)) left -= 1;
  }
  return d;
}
