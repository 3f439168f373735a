import { maskDigits } from "./mask-digits";
import { normalizeAccount } from "./normalize";

/**
 * Members type their Social Security Number where the bank asks for the account number. A value
 * looks like one (RULES.md R4) when it is written NNN-NN-NNNN, or when it holds a run of exactly
 * 9 digits that does not begin with 7 (the payee's account numbers do). Such a value is personal
 * data: it is kept masked and never printed or logged.
 */
const DASHED_SSN = /(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)/;

/** `normalized`: normalizeAccount(raw), when the caller has it already. */
export function looksLikeSsn(raw: string, normalized = normalizeAccount(raw)): boolean {
  return DASHED_SSN.test(raw) || hasNineDigitRunNotFrom7(normalized);
}

/** A run of exactly 9 digits (0-9) whose first digit is not 7; char codes, not a regex match per payment. */
function hasNineDigitRunNotFrom7(text: string): boolean {
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    const digit = c >= 48 && c <= 57;
    if (digit && start === -1) start = i;
    else if (!digit && start !== -1) {
      if (i - start === 9 && text.charCodeAt(start) !== 55) return true;
      start = -1;
    }
  }
  return false;
}

/** What may be stored of an SSN-like value: its last 4 digits at most ("*****6789"). */
export function maskSsn(raw: string): string {
  return maskDigits(raw);
}
