import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { goldenOf, sampleFiles } from "./support/goldens";

describe("golden sample files", () => {
  const samples = sampleFiles();

  it("there are sample files to check", () => {
    expect(samples.length).to.be.greaterThan(0);
  });

  for (const sample of samples) {
    const label = `${sample.aggregator}/${path.basename(sample.file)}`;
    it(`${label} parses to exactly its golden ${path.basename(sample.golden)}`, async () => {
      expect(
        existsSync(sample.golden),
        `missing golden; run: npx tsx scripts/update-goldens.ts ${sample.aggregator}`,
      ).to.equal(true);
      const expected = JSON.parse(readFileSync(sample.golden, "utf8")) as unknown;
      expect(await goldenOf(sample)).to.deep.equal(expected);
    });
  }
});
