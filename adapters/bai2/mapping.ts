import { z } from "zod";
import { mappingBase, RegexSource } from "../../src/adapter-kit/mapping";

const TypeCode = z.string().regex(/^\d{3}$/, "expected a three-digit BAI2 type code");

export const AccountSource = z
  .object({
    from: z
      .enum(["customer_reference", "bank_reference", "text"])
      .describe("The 16 record field that holds the member's account number."),
    pattern: RegexSource.optional().describe(
      "Pattern over that field; its first capture group (else the whole match) is the account number as typed. Without it the whole field is.",
    ),
  })
  .strict();
export type AccountSource = z.output<typeof AccountSource>;

/**
 * A BAI2 mapping says which detail type codes are lockbox items (payments by check), where the
 * bank puts the member's account number in them, and which type codes are bank credits and debits
 * to keep for reconciliation. Unknown keys fail when the mapping loads.
 */
export const Bai2Mapping = mappingBase("bai2")
  .extend({
    lockbox: z
      .object({
        itemTypeCodes: z
          .array(TypeCode)
          .min(1)
          .default(["116"])
          .describe("Type codes of lockbox check items: each becomes a payment by check."),
        depositTypeCodes: z
          .array(TypeCode)
          .default(["115"])
          .describe(
            "Type codes of lockbox deposits; the items that follow one are checked to add up to it (a mismatch is a warning).",
          ),
        account: z
          .array(AccountSource)
          .min(1)
          .default([{ from: "customer_reference" }])
          .describe("Where the account number is, tried in order; the first non-empty value wins."),
        payerNamePattern: RegexSource.optional().describe(
          "Pattern over the item's text whose first capture group is the remitter's name.",
        ),
      })
      .strict()
      .prefault({})
      .describe("Lockbox check items and where their account numbers are."),
    bankCredits: z
      .array(TypeCode)
      .default(["115", "142", "165", "166", "169", "195"])
      .describe("Detail type codes kept as bank credits (money in) to reconcile remittance files against."),
    bankDebits: z
      .array(TypeCode)
      .default(["451", "455", "466", "469", "555"])
      .describe("Detail type codes kept as bank debits (returned items, ACH debits)."),
    allDebits: z
      .boolean()
      .default(true)
      .describe("Also keep every other debit detail (type codes 400-699) as a bank debit."),
  })
  .strict();
export type Bai2Mapping = z.output<typeof Bai2Mapping>;
