import { expect } from "chai";
import { loadAggregatorMapping } from "../../../src/config/mapping-loader";
import { expectCleanAmplification, FACTOR, parsed, sampleOf } from "../../../test/support/amplification";
import { amplifyCamt } from "../amplify";

const amplify053 = (sample: Buffer, factor: number) => amplifyCamt(sample, factor, "camt.053");
const amplify054 = (sample: Buffer, factor: number) => amplifyCamt(sample, factor, "camt.054");

describe("amplify for the conformance memory test: camt", () => {
  for (const name of ["notification-v02.xml", "notification-v04.xml", "notification-v08.xml"]) {
    it(`camt054 ${name}: repeats the entries ${FACTOR} times, TxsSummry scaled, and every control still agrees`, async () => {
      await expectCleanAmplification(loadAggregatorMapping("camt054"), sampleOf("camt054", name), amplify054);
    });
  }

  it(`camt053 statement-v08.xml: ${FACTOR} times the bank entries and a closing balance that still equals opening + booked entries`, async () => {
    const loaded = loadAggregatorMapping("camt053");
    await expectCleanAmplification(loaded, sampleOf("camt053", "statement-v08.xml"), amplify053);
    // OPBD 10,000.00 + 100 × 5,391.95 of booked entries.
    expect(amplify053(sampleOf("camt053", "statement-v08.xml"), FACTOR)!.toString()).to.contain(
      '<Amt Ccy="USD">549195.00</Amt>',
    );
  });

  it("reads and writes balances below zero as debits: a statement overdrawn by 20,000.00 or 10,000.00 at the opening", async () => {
    const loaded = loadAggregatorMapping("camt053");
    // The sample's entries net +5,391.95; times 3, +16,175.85.
    for (const [opening, closing, amplified] of [
      ["20000.00", "14608.05", '<Amt Ccy="USD">3824.15</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>'],
      ["10000.00", "4608.05", '<Amt Ccy="USD">6175.85</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>'],
    ]) {
      const overdrawn = Buffer.from(
        sampleOf("camt053", "statement-v08.xml")
          .toString()
          .replace(
            '<Amt Ccy="USD">10000.00</Amt>\n        <CdtDbtInd>CRDT',
            `<Amt Ccy="USD">${opening}</Amt>\n        <CdtDbtInd>DBIT`,
          )
          .replace(
            '<Amt Ccy="USD">15391.95</Amt>\n        <CdtDbtInd>CRDT',
            `<Amt Ccy="USD">${closing}</Amt>\n        <CdtDbtInd>DBIT`,
          ),
      );
      expect((await parsed(loaded, overdrawn)).errors, "the edited sample balances").to.deep.equal([]);
      const big = amplify053(overdrawn, 3)!;
      expect(big.toString()).to.contain(amplified);
      expect((await parsed(loaded, big)).errors).to.deep.equal([]);
    }
  });

  it("gives back each sample byte for byte at factor 1", () => {
    for (const [aggregator, name, amplify] of [
      ["camt054", "notification-v02.xml", amplify054],
      ["camt054", "notification-v08.xml", amplify054],
      ["camt053", "statement-v08.xml", amplify053],
    ] as const) {
      const sample = sampleOf(aggregator, name);
      expect(amplify(sample, 1)!.equals(sample), name).to.equal(true);
    }
  });

  it("gives up (null) on a document with no entries to repeat", () => {
    const empty = sampleOf("camt054", "notification-v02.xml")
      .toString()
      .replace(/<Ntry>[\s\S]*<\/Ntry>/, "");
    expect(amplify054(Buffer.from(empty), FACTOR)).to.equal(null);
  });
});
