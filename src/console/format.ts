import { DateTime } from "luxon";
import { formatUsd, PAYEE_ZONE } from "../model";
import { maskDigits } from "../rules/account/mask-digits";

/** A moment as the payee's local time, "2026-12-02 10:33" (New York). */
export function localDateTime(at: Date | string): string {
  const dt = typeof at === "string" ? DateTime.fromISO(at) : DateTime.fromJSDate(at);
  return dt.setZone(PAYEE_ZONE).toFormat("yyyy-MM-dd HH:mm");
}

/** A stored cents value (pg gives bigint as a digit string) as "$1,250.10"; null as "–". */
export function usd(cents: string | number | null | undefined): string {
  return cents === null || cents === undefined ? "–" : formatUsd(Number(cents));
}

/** An account number as people may see it: the last four digits only. */
export function maskedAccount(account: string | null): string {
  return account ? maskDigits(account) : "–";
}
