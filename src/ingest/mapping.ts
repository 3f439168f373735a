import { z } from "zod";

/**
 * Every mapping file starts with these keys; an adapter's own mapping schema extends this one
 * (`BaseMapping.extend({...})`) and adds what its format family needs.
 */
export const BaseMapping = z.object({
  version: z.literal(1),
  adapter: z.string().min(1),
  description: z.string().optional(),
  /** Overrides of the payee policy for this aggregator (e.g. masks registered with it). */
  payee: z
    .object({
      masks: z.array(z.string().min(1)).min(1).optional(),
      checkDigit: z.enum(["none", "luhn", "mod11"]).optional(),
    })
    .strict()
    .optional(),
});
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
