import { amplifyCsv } from "../../src/formats/delimited/amplify";
import type { CsvMapping } from "../../src/formats/delimited/mapping";

/** For the conformance suite's memory test: the sample with its detail rows repeated. */
export function amplify(sample: Buffer, factor: number, mapping: unknown): Buffer | null {
  return amplifyCsv(sample, factor, mapping as CsvMapping);
}
