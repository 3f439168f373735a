import type { PaymentKind } from "../../src/model/enums";
import { isChangeAddenda, isReturnAddenda, type Addenda } from "./records/addenda";
import type { TransactionCode } from "./transaction-codes";

/**
 * `zero_dollar`: codes whose second digit is 4 or 9 (24, 29, 34, 39, 44, 49, 54…) carry remittance
 * data with no money. They are not payments and not prenotes (which test an account), so the
 * adapter reports them as warnings and stores nothing: no money is invented and the record is still
 * accounted for.
 */
export type EntryKind = PaymentKind | "zero_dollar";

/**
 * The canonical kind of one entry. The addenda decide first: an entry with a 99 is a return and one
 * with a 98 a NOC whatever its code (moov-io's contested-return.ach returns a 22). Then the code:
 * prenotes and zero-dollar entries by class; a live entry in a REVERSAL batch is a reversal (NACHA
 * requires that description, RPPS sends its reversals so), and so is any live debit, since a debit
 * to the payee takes money back. A live credit is a payment. Returns null for a return/NOC code
 * without its addenda.
 */
export function entryKind(
  code: TransactionCode,
  addenda: readonly Addenda[],
  reversalBatch: boolean,
): EntryKind | null {
  for (const a of addenda) {
    if (isReturnAddenda(a)) return "return";
    if (isChangeAddenda(a)) return "noc";
  }
  switch (code.entryClass) {
    case "return_or_noc":
      return null;
    case "prenote":
      return "prenote";
    case "zero_dollar":
      return "zero_dollar";
    case "live":
      return reversalBatch || code.direction === "debit" ? "reversal" : "payment";
  }
}

/** Kinds that must carry a zero amount. */
export const ZERO_AMOUNT_KINDS: ReadonlySet<EntryKind> = new Set(["prenote", "noc", "zero_dollar"]);
