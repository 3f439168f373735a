import { expect } from "chai";
import { loadAggregatorMapping } from "../../../src/config/mapping-loader";
import { expectCleanAmplification, FACTOR, sampleOf } from "../../../test/support/amplification";
import { amplify as amplifyNacha } from "../conformance";
import { fileLines, joinLines } from "./helpers";

describe("amplify for the conformance memory test: nacha", () => {
  const rpps = () => loadAggregatorMapping("rpps");
  const strict = () => loadAggregatorMapping("nacha-strict");

  it(`repeats every batch's entries of the RPPS sample ${FACTOR} times into a file the rpps profile accepts`, async () => {
    const items = await expectCleanAmplification(rpps(), sampleOf("rpps", "normal-day.ach"), amplifyNacha);
    const fileControl = items.findLast((i) => i.kind === "control");
    expect(
      fileControl?.kind === "control" && fileControl.declared.hash,
      "RPPS leaves the file hash blank, and so does the copy",
    ).to.equal(null);
  });

  it(`turns a strictly valid file into one the strict profile accepts, hash, block count and padding recomputed`, async () => {
    const sample = Buffer.from(joinLines(fileLines()), "latin1");
    await expectCleanAmplification(strict(), sample, amplifyNacha);
    const lines = amplifyNacha(sample, FACTOR)!.toString("latin1").trimEnd().split("\n");
    expect(lines.length % 10, "padded to whole blocks").to.equal(0);
  });

  it("keeps every trace number in the amplified file unique", () => {
    const lines = amplifyNacha(sampleOf("rpps", "normal-day.ach"), FACTOR)!.toString("latin1").split("\n");
    const traces = lines.filter((l) => l.startsWith("6")).map((l) => l.slice(79, 94));
    expect(traces.length).to.equal(FACTOR * 31);
    expect(new Set(traces).size).to.equal(traces.length);
  });

  it("gives back the sample byte for byte at factor 1", () => {
    const sample = sampleOf("rpps", "normal-day.ach");
    expect(amplifyNacha(sample, 1)!.equals(sample)).to.equal(true);
  });

  it("gives up (null) on a file whose entries sit outside any batch", () => {
    const lines = fileLines().filter((l) => !l.startsWith("5"));
    expect(amplifyNacha(Buffer.from(joinLines(lines), "latin1"), FACTOR)).to.equal(null);
  });
});
