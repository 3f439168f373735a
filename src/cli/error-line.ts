import type { ErrorRecord } from "../model";

/** One error for a terminal: "  line 15 totalCredits: … [batch_credit_total_mismatch]". */
export function errorLine(e: ErrorRecord): string {
  return `  line ${e.line ?? "-"}${e.field ? ` ${e.field}` : ""}: ${e.message} [${e.code}]`;
}
