/**
 * The MA Health Connector's policy (RULES.md R1–R4): 9 digits beginning with 7, no check digit,
 * 3–5 calendar days of lead. The schema takes its defaults from here; kept apart from it so that
 * a command run on the defaults (check-account, timing) starts without loading zod. Its type is
 * the schema's output by structure (the schema cannot name it: it is built from these values).
 */
export const DEFAULT_PAYEE_POLICY = {
  name: "MA Health Connector",
  address: "P.O. Box 970063, Boston, MA 02297-0063",
  masks: ["7########"] as string[],
  checkDigit: "none" as const,
  leadWindow: { min: 3, max: 5 },
  dayCounting: "calendar" as const,
};

/**
 * How long payments keep their raw record text and payer names, and the product its file copies
 * (45 CFR 155.1210: ten years). The policy's `retention` has no schema default, so that policies
 * stored before retention existed keep their hash; retentionYears reads it with this default.
 */
export const DEFAULT_RETENTION_YEARS = 10;
