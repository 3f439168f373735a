import { DateTime } from "luxon";
import { PAYEE_ZONE } from "../../src/model";

/**
 * A camt date (`<Dt>2017-03-20</Dt>`) is a day as given. A date-time (`<DtTm>`, `AccptncDtTm`)
 * is a moment: it becomes the payee's local day (America/New_York), so a booking at
 * 2017-03-20T02:00:00+01:00 is 2017-03-19 here. A date-time without an offset is read as local.
 * Returns null for text that is neither.
 */
export function camtDay(value: string): string | null {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return DateTime.fromISO(text).isValid ? text : null;
  }
  // ISO 20022 also allows a date with an offset ("2017-03-20+01:00"); the day is the date part.
  const dated = /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (dated) return DateTime.fromISO(dated[1]).isValid ? dated[1] : null;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const moment = DateTime.fromISO(text, { zone: PAYEE_ZONE, setZone: false });
  return moment.isValid ? moment.setZone(PAYEE_ZONE).toISODate() : null;
}
