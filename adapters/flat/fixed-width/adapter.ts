import type { RemittanceAdapter } from "../../../src/adapter-kit/adapter";
import { FixedWidthMapping } from "./mapping";
import { parseFixedWidth } from "./parse";

/**
 * Fixed-width flat files read entirely as the mapping declares (positions, record types, dates,
 * amounts, trailer): no code per aggregator (mappings/checkfree-fixed.yaml is one).
 */
export const fixedWidth: RemittanceAdapter<FixedWidthMapping> = {
  id: "fixed-width",
  description: "Fixed-width remittance files declared by a mapping: positions, record types, dates, amounts, trailer.",
  mappingSchema: FixedWidthMapping,
  parse: (input, mapping) => parseFixedWidth(input, mapping),
};
