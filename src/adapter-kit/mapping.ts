import { z } from "zod";
import { RETURN_REASONS } from "../model/enums";

/**
 * Every mapping file starts with these keys; an adapter's own mapping schema extends
 * `mappingBase("<adapter id>")` and adds what its format family needs. The descriptions end up in
 * the generated JSON Schema, where editors show them as hints.
 */
export const BaseMapping = z.object({
  version: z.literal(1).describe("Mapping format version: 1."),
  adapter: z.string().min(1).describe("The adapter that reads this mapping."),
  description: z.string().optional().describe("What this aggregator sends, for people."),
  payee: z
    .object({
      masks: z
        .array(z.string().min(1))
        .min(1)
        .optional()
        .describe(
          'Account masks registered with this aggregator: # digit, * letter, @ either, else literal ("7########").',
        ),
      checkDigit: z
        .enum(["none", "luhn", "mod11"])
        .optional()
        .describe("Check-digit routine for account numbers: none, luhn or mod11."),
      returns: z
        .object({
          reasons: z
            .array(z.enum(RETURN_REASONS))
            .min(1)
            .describe("Return reason codes this aggregator accepts (R21 invalid biller id, R22 invalid account, …)."),
          deadlineBankingDays: z
            .number()
            .int()
            .nonnegative()
            .max(60)
            .describe("Banking days after settlement an unidentified payment may wait before it is returned."),
        })
        .strict()
        .optional()
        .describe("Returns to the network for this aggregator (default: every reason, 2 banking days)."),
    })
    .strict()
    .optional()
    .describe("Overrides of the payee policy for this aggregator."),
});

/** BaseMapping for one adapter: its `adapter:` key must name that adapter. */
export function mappingBase<A extends string>(adapter: A) {
  return BaseMapping.extend({
    adapter: z.literal(adapter).describe(`The adapter that reads this mapping: "${adapter}".`),
  });
}
export type BaseMapping = z.infer<typeof BaseMapping>;

/** A regular expression given as a string in a mapping: checked when the mapping loads, not on the first file. */
export const RegexSource = z
  .string()
  .min(1)
  .refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, "is not a valid regular expression");
