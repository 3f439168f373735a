import { z } from "zod";
import { RETURN_REASONS } from "../model/enums";
import { DEFAULT_PAYEE_POLICY as DEFAULTS } from "./payee-policy-defaults";

const ReturnsPolicy = z
  .object({
    reasons: z
      .array(z.enum(RETURN_REASONS))
      .min(1)
      .default(() => [...RETURN_REASONS]),
    deadlineBankingDays: z.number().int().nonnegative().max(60).default(2),
  })
  .strict();

const RepairPolicy = z
  .object({
    /**
     * A repair suggestion is applied with no person (the `repaired_match` rung) when it is the one
     * candidate whose score is above this, and its amount pays open invoices. Unset: suggest only.
     */
    autoApplyAbove: z.number().min(0).max(1).optional(),
  })
  .strict();

const RetentionPolicy = z.object({ years: z.number().int().min(1).max(100) }).strict();

/**
 * The payee's own rules for account numbers and timing (RULES.md R1–R4). Defaults are the
 * MA Health Connector's (payee-policy-defaults.ts).
 */
export const PayeePolicy = z
  .object({
    name: z.string().default(DEFAULTS.name),
    address: z.string().default(DEFAULTS.address),
    /** Bill-pay network mask syntax: # digit, * letter, @ letter or digit, else literal. */
    masks: z
      .array(z.string().min(1))
      .min(1)
      .default(() => [...DEFAULTS.masks]),
    checkDigit: z.enum(["none", "luhn", "mod11"]).default(DEFAULTS.checkDigit),
    leadWindow: z
      .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
      .strict()
      .refine((w) => w.min <= w.max, { message: "must not exceed leadWindow.max", path: ["min"] })
      .default(() => ({ ...DEFAULTS.leadWindow })),
    /** calendar: as the payee's page counts; banking: weekends and Federal Reserve holidays excluded. */
    dayCounting: z.enum(["calendar", "banking"]).default(DEFAULTS.dayCounting),
    /**
     * Returns to the network: the reason codes this aggregator accepts and the banking days after
     * settlement an unidentified payment may wait before it goes back. Optional with no schema
     * default, so that policies stored before returns existed keep their hash (see returnsPolicy).
     */
    returns: ReturnsPolicy.optional(),
    /** Repair suggestions for wrong account numbers; optional for the same reason as `returns`. */
    repair: RepairPolicy.optional(),
    /**
     * How many years payments keep their raw record text and payer names (`billpay retention run`).
     * Optional with no schema default for the same reason as returns (see retentionYears).
     */
    retention: RetentionPolicy.optional(),
  })
  .strict();
export type PayeePolicy = z.output<typeof PayeePolicy>;
export type PayeePolicyInput = z.input<typeof PayeePolicy>;
