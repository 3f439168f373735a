import { maskDigits } from "./mask-digits";
import { normalizeAccount } from "./normalize";

/**
 * Members type their Social Security Number where the bank asks for the account number. A value
 * looks like one (RULES.md R4) when it is written NNN-NN-NNNN, or when it holds a run of exactly
 * 9 digits that does not begin with 7 (the payee's account numbers do). Such a value is personal
 * data: it is kept masked and never printed or logged.
 */
const DASHED_SSN = /(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)/;

export function looksLikeSsn(raw: string): boolean {
  if (DASHED_SSN.test(raw)) return true;
  const runs = normalizeAccount(raw).match(/\d+/g) ?? [];
  return runs.some((run) => run.length === 9 && run[0] !== "7");
}

/** What may be stored of an SSN-like value: its last 4 digits at most ("*****6789"). */
export function maskSsn(raw: string): string {
  return maskDigits(raw);
}
