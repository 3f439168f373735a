import { z } from "zod";
import { mappingBase, RegexSource } from "../../src/adapter-kit/mapping";

/**
 * An X12 820 mapping says which versions a sender may use, which RMR01 qualifiers carry the
 * member's account number, how ADX adjustments enter the BPR02 balance and, optionally, how to tell
 * a health premium from a dental one. Unknown keys fail when the mapping loads.
 */
export const X12Mapping = mappingBase("x12-820")
  .extend({
    versions: z
      .array(z.string().min(1))
      .min(1)
      .default(["005010X218", "004010X061A1"])
      .describe("Accepted implementation versions (GS08, and ST03 where present); any other version is a FormatError."),
    accountQualifiers: z
      .array(z.string().min(1))
      .min(1)
      .default(["11", "IK", "AZ", "IG"])
      .describe(
        "RMR01 qualifiers whose RMR02 is the member's account number (11 account, IK invoice, AZ/IG policy). An RMR with another qualifier is still a payment, with no account number and a warning.",
      ),
    adjustmentBalance: z
      .enum(["unattached", "all", "none"])
      .default("unattached")
      .describe(
        "Which ADX01 amounts count in BPR02 = sum of RMR04 + ADX01: 'unattached' (ADX outside an RMR loop; an ADX inside one explains the difference between billed RMR05 and paid RMR04, which RMR04 already nets), 'all', or 'none'.",
      ),
    planType: z
      .object({
        refQualifiers: z
          .array(z.string().min(1))
          .min(1)
          .describe(
            "REF01 qualifiers (in the RMR loop, else the ENT loop) whose REF02 names the plan, e.g. 18 plan number.",
          ),
        health: RegexSource.describe("Pattern over that REF02 that marks a health plan."),
        dental: RegexSource.describe("Pattern over that REF02 that marks a dental plan."),
      })
      .strict()
      .optional()
      .describe("How to tell health from dental premiums; without it planType is left for the rules."),
    payeeName: z
      .string()
      .min(1)
      .default("MA Health Connector")
      .describe(
        "Compared case-insensitively with N1*PE (payee name); a mismatch is a warning on the file, never a rejection (RULES.md R6).",
      ),
  })
  .strict();
export type X12Mapping = z.output<typeof X12Mapping>;
