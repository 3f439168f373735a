import type { FamilyConformanceHooks } from "../../src/adapter-kit/conformance-hooks";
import { amplifyCsv } from "./csv/amplify";
import type { CsvMapping } from "./csv/mapping";
import { amplifyFixedWidth } from "./fixed-width/amplify";
import type { FixedWidthMapping } from "./fixed-width/mapping";

/** For the conformance suite's memory test: the sample with its detail records repeated. */
export const conformanceHooks: FamilyConformanceHooks = {
  csv: { amplify: (sample, factor, mapping) => amplifyCsv(sample, factor, mapping as CsvMapping) },
  "fixed-width": {
    amplify: (sample, factor, mapping) => amplifyFixedWidth(sample, factor, mapping as FixedWidthMapping),
  },
};
