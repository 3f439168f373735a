import type { RemittanceAdapter } from "../../src/adapter-kit/adapter";
import { Camt053Mapping } from "./mapping";
import { parseStatement } from "./statement";

/**
 * ISO 20022 camt.053 bank statements: one bank entry per statement line, to reconcile remittance
 * files against the credits that settled them. Read with the same streaming reader as camt.054:
 * iso20022.js 0.0.15 fails on real statements (see README.md beside this file).
 */
export const camt053: RemittanceAdapter<Camt053Mapping> = {
  id: "camt053",
  description: "ISO 20022 camt.053 bank statements: bank credits and debits for reconciliation.",
  mappingSchema: Camt053Mapping,
  sniff: (head) => /camt\.053\.|BkToCstmrStmt/.test(head.toString("utf8")),
  parse: (input, mapping) => parseStatement(input, mapping),
};
