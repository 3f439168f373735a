import { z } from "zod";

/**
 * A business finding on a payment or file: never a rejection of money. The code is snake_case
 * and means the same in the database, the JSON output and the report.
 */
export const Finding = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  message: z.string(),
  severity: z.enum(["info", "warning", "error"]).default("warning"),
});
export type Finding = z.infer<typeof Finding>;
