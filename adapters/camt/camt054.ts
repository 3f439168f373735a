import type { RemittanceAdapter } from "../../src/adapter-kit/adapter";
import { Camt054Mapping } from "./mapping";
import { parseNotification } from "./notification";

/**
 * ISO 20022 camt.054 bank-to-customer debit/credit notifications (versions 001.02, 001.04,
 * 001.08): one payment per credited transaction, reversals and returns by their kind; where the
 * member's account number sits is declared in the mapping (mappings/camt054.yaml).
 */
export const camt054: RemittanceAdapter<Camt054Mapping> = {
  id: "camt054",
  description: "ISO 20022 camt.054 credit notifications: payments, reversals (RvslInd) and returns (RtrInf).",
  mappingSchema: Camt054Mapping,
  sniff: (head) => /camt\.054\.|BkToCstmrDbtCdtNtfctn/.test(head.toString("utf8")),
  parse: (input, mapping) => parseNotification(input, mapping),
};
