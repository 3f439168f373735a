import { amplifyCamt } from "../../src/formats/camt/amplify";

/** For the conformance suite's memory test: the statement with its entries repeated, summary and closing balance still right. */
export function amplify(sample: Buffer, factor: number): Buffer | null {
  return amplifyCamt(sample, factor, "camt.053");
}
