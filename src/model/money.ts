/**
 * Money is held as integer cents (a safe JS integer) from the moment it is read until it is
 * printed. These helpers convert exact decimal strings; they never go through floating point.
 */

const DECIMAL = /^([+-])?(\d+)(?:\.(\d{1,2}))?$/;

export class MoneyFormatError extends Error {
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`"${value}" is not an amount: ${reason}`);
    this.name = "MoneyFormatError";
  }
}

/** "1250.10" → 125010; "-0.29" → -29; "7" → 700. At most two decimals; no exponent, no commas. */
export function decimalToCents(value: string): number {
  const text = value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyFormatError(value, "expected digits with at most two decimals");
  const [, sign, whole, frac = ""] = m;
  const cents = BigInt(whole) * 100n + BigInt(frac.padEnd(2, "0") || "0");
  return toSafeCents(sign === "-" ? -cents : cents, value);
}

/** A string of digits that already counts cents ("0000125010" → 125010). */
export function digitsToCents(value: string): number {
  const text = value.trim();
  if (!/^[+-]?\d+$/.test(text)) throw new MoneyFormatError(value, "expected a whole number of cents");
  return toSafeCents(BigInt(text), value);
}

/** 125010 → "1250.10"; -29 → "-0.29". */
export function centsToDecimal(cents: number): string {
  assertCents(cents);
  const sign = cents < 0 ? "-" : "";
  // Split the digit string rather than divide: no floating point near 2^53.
  const digits = String(Math.abs(cents)).padStart(3, "0");
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** 125010 → "$1,250.10", for people. */
export function formatUsd(cents: number): string {
  const [whole, frac] = centsToDecimal(Math.abs(cents)).split(".");
  return `${cents < 0 ? "-" : ""}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
}

export function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) throw new MoneyFormatError(String(cents), "cents must be a safe integer");
}

/** Sum integer cents, refusing to drift past Number.MAX_SAFE_INTEGER. */
export function sumCents(values: Iterable<number>): number {
  let total = 0n;
  for (const v of values) {
    assertCents(v);
    total += BigInt(v);
  }
  return toSafeCents(total, "sum");
}

function toSafeCents(cents: bigint, source: string): number {
  if (cents > BigInt(Number.MAX_SAFE_INTEGER) || cents < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyFormatError(source, "amount is too large");
  }
  return Number(cents);
}
