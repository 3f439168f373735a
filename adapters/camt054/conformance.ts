import { amplifyCamt } from "../../src/formats/camt/amplify";

/** For the conformance suite's memory test: the notification with its entries repeated, controls still right. */
export function amplify(sample: Buffer, factor: number): Buffer | null {
  return amplifyCamt(sample, factor, "camt.054");
}
