/**
 * What is safe to remove from a typed account number: blanks (any white space, including the
 * no-break space banks' web forms paste) and dashes (including typographic ones). Nothing else:
 * a digit is never dropped, added or guessed.
 */
const BLANKS_AND_DASHES = /[\s\u00a0\u2000-\u200b\u2010-\u2015\u2212-]+/g;

export function normalizeAccount(raw: string): string {
  return raw.replace(BLANKS_AND_DASHES, "");
}
