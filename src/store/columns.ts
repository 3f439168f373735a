import type { ValueTransformer } from "typeorm";

/**
 * bigint cents in the database, a safe integer in JS. pg returns bigint as a string; converting
 * a digit string with Number() is exact within the safe range, which we check.
 */
export const centsTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : centsFromDb(value)),
};

/** A bigint cents value as pg returns it (a digit string) → a safe integer, checked. */
export function centsFromDb(value: string | number | bigint): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`cents value ${String(value)} is not a safe integer`);
  return n;
}

export const centsColumn = { type: "bigint", transformer: centsTransformer } as const;
export const nullableCentsColumn = { type: "bigint", nullable: true, transformer: centsTransformer } as const;
