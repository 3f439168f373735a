import { DateTime } from "luxon";
import { PAYEE_ZONE, type IsoDate } from "../model/dates";
import { fromDateTime, toDateTime } from "../rules/local-date";
import type { PayeePolicy } from "../rules/payee-policy";
import { DEFAULT_RETENTION_YEARS } from "../rules/payee-policy-defaults";

/** The policy's `retention.years`, or the default (10). */
export function retentionYears(policy: Pick<PayeePolicy, "retention">): number {
  return policy.retention?.years ?? DEFAULT_RETENTION_YEARS;
}

/** Today as the payee counts days (New York). */
export function payeeToday(now = DateTime.now()): IsoDate {
  return now.setZone(PAYEE_ZONE).toISODate() as IsoDate;
}

/**
 * The first day still inside the period: a payment dated on it is kept, one dated the day before
 * is past. Ten years before 2036-02-29 is 2026-02-28 (luxon clamps to the month's end).
 */
export function retentionCutoff(today: IsoDate, years: number): IsoDate {
  return fromDateTime(toDateTime(today).minus({ years }));
}
