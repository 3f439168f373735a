import type { FamilyConformanceHooks } from "../../src/adapter-kit/conformance-hooks";
import { amplifyCamt } from "./amplify";

/** For the conformance suite's memory test: the message with its entries repeated, controls and balances still right. */
export const conformanceHooks: FamilyConformanceHooks = {
  camt053: { amplify: (sample, factor) => amplifyCamt(sample, factor, "camt.053") },
  camt054: { amplify: (sample, factor) => amplifyCamt(sample, factor, "camt.054") },
};
