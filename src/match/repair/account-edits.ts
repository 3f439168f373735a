/**
 * The one-keystroke slips a member makes typing an account number at the bank: one digit wrong,
 * two neighbours swapped, one dropped, one added. A typed value is one such edit from a billed
 * account exactly when they are at optimal-string-alignment distance 1.
 */

export type AccountEdit = "substitution" | "transposition" | "dropped_digit" | "added_digit";

export interface EditFound {
  edit: AccountEdit;
  /** 1-based position in the billed account where the slip is (the first of two swapped). */
  position: number;
}

/** Each value with one character removed, distinct: the symmetric-delete keys the index holds (migration RepairSuggestions). */
export function deletionKeys(value: string): string[] {
  const keys = new Set<string>();
  for (let i = 0; i < value.length; i++) keys.add(value.slice(0, i) + value.slice(i + 1));
  return [...keys];
}

/** The one edit that turns `account` into `typed`, or null when they are equal or further apart. */
export function editBetween(typed: string, account: string): EditFound | null {
  if (typed.length === account.length) return sameLength(typed, account);
  if (typed.length === account.length - 1) return oneRemoved(account, typed, "dropped_digit");
  if (typed.length === account.length + 1) return oneRemoved(typed, account, "added_digit");
  return null;
}

function sameLength(typed: string, account: string): EditFound | null {
  let first = -1;
  while (++first < typed.length && typed[first] === account[first]);
  if (first === typed.length) return null;
  if (typed.slice(first + 1) === account.slice(first + 1)) return { edit: "substitution", position: first + 1 };
  const swapped =
    first + 1 < typed.length &&
    typed[first] === account[first + 1] &&
    typed[first + 1] === account[first] &&
    typed.slice(first + 2) === account.slice(first + 2);
  return swapped ? { edit: "transposition", position: first + 1 } : null;
}

/** `shorter` is `longer` with one character taken out: where. */
function oneRemoved(longer: string, shorter: string, edit: AccountEdit): EditFound | null {
  let i = 0;
  while (i < shorter.length && longer[i] === shorter[i]) i++;
  return longer.slice(i + 1) === shorter.slice(i) ? { edit, position: i + 1 } : null;
}

const DESCRIBED: Record<AccountEdit, (position: number) => string> = {
  substitution: (n) => `one digit differs from a billed account's (position ${n})`,
  transposition: (n) => `two neighbouring digits are swapped (positions ${n} and ${n + 1})`,
  dropped_digit: (n) => `one digit of a billed account is missing (position ${n})`,
  added_digit: (n) => `one digit too many (position ${n})`,
};

/** For people; names positions, never the digits. */
export function describeEdit(found: EditFound): string {
  return DESCRIBED[found.edit](found.position);
}
