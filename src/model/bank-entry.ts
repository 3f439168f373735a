import { z } from "zod";
import { IsoDate } from "./dates";
import { FormatDetails } from "./payment";

/**
 * A bank statement line (BAI2 16 record, camt.053 Ntry): money that reached the payee's bank
 * account. Kept to reconcile against the remittance files it settles; never a member payment.
 */
export const BankEntryDraft = z.object({
  direction: z.enum(["credit", "debit"]),
  amountCents: z.number().int().nonnegative(),
  currency: z.string().length(3).default("USD"),
  bankAccount: z.string().nullable(),
  /** BAI2 type code or camt BkTxCd, as given. */
  typeCode: z.string().nullable(),
  bankRef: z.string().nullable(),
  customerRef: z.string().nullable(),
  text: z.string().nullable(),
  bookedOn: IsoDate.nullable(),
  valueOn: IsoDate.nullable(),
  details: FormatDetails.default({}),
  raw: z.string(),
});
export type BankEntryDraft = z.input<typeof BankEntryDraft>;
