/**
 * What a transaction code says about an entry. The second digit carries the meaning for every
 * account type (2x checking, 3x savings, 4x general ledger, 5x loan): 1/6 return or NOC, 2/7 live,
 * 3/8 prenote, 4/9 zero-dollar with remittance data; 1-4 are credits and 6-9 debits (so a 26
 * counts in the batch's debit total, as the NACHA rules and moov-io's return-WEB.ach have it).
 */
export type EntryClass = "live" | "prenote" | "zero_dollar" | "return_or_noc";
export type Direction = "credit" | "debit";

export interface TransactionCode {
  code: string;
  direction: Direction;
  entryClass: EntryClass;
}

const CLASS_BY_DIGIT: Record<string, EntryClass> = {
  "1": "return_or_noc",
  "2": "live",
  "3": "prenote",
  "4": "zero_dollar",
  "6": "return_or_noc",
  "7": "live",
  "8": "prenote",
  "9": "zero_dollar",
};

const CODES = new Map<string, TransactionCode>();
for (const account of ["2", "3", "4", "5"]) {
  for (const [digit, entryClass] of Object.entries(CLASS_BY_DIGIT)) {
    // Loan accounts (5x) only have 51-56: 55 is a loan reversal debit, 56 its return.
    if (account === "5" && Number(digit) > 6) continue;
    const code = account + digit;
    const direction: Direction = Number(digit) >= 5 ? "debit" : "credit";
    const cls: EntryClass = code === "55" ? "live" : code === "56" ? "return_or_noc" : entryClass;
    CODES.set(code, { code, direction, entryClass: cls });
  }
}

/** The codes by their value 0-99: every code is two digits, and an array index needs no string hashing per entry. */
const BY_VALUE: (TransactionCode | undefined)[] = Array.from({ length: 100 }, (_, n) =>
  CODES.get(String(n).padStart(2, "0")),
);

export function transactionCode(code: string): TransactionCode | undefined {
  if (code.length !== 2) return undefined;
  const tens = code.charCodeAt(0) - 48;
  const units = code.charCodeAt(1) - 48;
  if (tens < 0 || tens > 9 || units < 0 || units > 9) return undefined;
  return BY_VALUE[tens * 10 + units];
}
