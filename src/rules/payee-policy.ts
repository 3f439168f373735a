import { z } from "zod";

/**
 * The payee's own rules for account numbers and timing (RULES.md R1–R4). Defaults are the
 * MA Health Connector's: 9 digits beginning with 7, no check digit, 3–5 calendar days of lead.
 */
export const PayeePolicy = z
  .object({
    name: z.string().default("MA Health Connector"),
    address: z.string().default("P.O. Box 970063, Boston, MA 02297-0063"),
    /** Bill-pay network mask syntax: # digit, * letter, @ letter or digit, else literal. */
    masks: z.array(z.string().min(1)).min(1).default(["7########"]),
    checkDigit: z.enum(["none", "luhn", "mod11"]).default("none"),
    leadWindow: z
      .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
      .strict()
      .refine((w) => w.min <= w.max, { message: "must not exceed leadWindow.max", path: ["min"] })
      .default({ min: 3, max: 5 }),
    /** calendar: as the payee's page counts; banking: weekends and Federal Reserve holidays excluded. */
    dayCounting: z.enum(["calendar", "banking"]).default("calendar"),
  })
  .strict();
export type PayeePolicy = z.output<typeof PayeePolicy>;
export type PayeePolicyInput = z.input<typeof PayeePolicy>;

export const DEFAULT_PAYEE_POLICY: PayeePolicy = PayeePolicy.parse({});
