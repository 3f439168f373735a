import type { RemittanceAdapter } from "../../src/ingest/adapter";
import { Camt053Mapping } from "../../src/formats/camt/mapping";
import { parseStatement } from "../../src/formats/camt/statement";

/**
 * ISO 20022 camt.053 bank statements: one bank entry per statement line, to reconcile remittance
 * files against the credits that settled them. Read with the same streaming reader as camt.054:
 * iso20022.js 0.0.15 fails on real statements (see src/formats/camt/README.md).
 */
export const adapter: RemittanceAdapter<Camt053Mapping> = {
  id: "camt053",
  description: "ISO 20022 camt.053 bank statements: bank credits and debits for reconciliation.",
  mappingSchema: Camt053Mapping,
  sniff: (head) => /camt\.053\.|BkToCstmrStmt/.test(head.toString("utf8")),
  parse: (input, mapping) => parseStatement(input, mapping),
};
