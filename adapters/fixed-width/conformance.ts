import { amplifyFixedWidth } from "../../src/formats/fixed-width/amplify";
import type { FixedWidthMapping } from "../../src/formats/fixed-width/mapping";

/** For the conformance suite's memory test: the sample with its detail records repeated. */
export function amplify(sample: Buffer, factor: number, mapping: unknown): Buffer | null {
  return amplifyFixedWidth(sample, factor, mapping as FixedWidthMapping);
}
