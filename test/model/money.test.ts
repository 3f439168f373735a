import { expect } from "chai";
import fc from "fast-check";
import { centsToDecimal, decimalToCents, digitsToCents, formatUsd, MoneyFormatError, sumCents } from "../../src/model";

describe("money as integer cents", () => {
  for (const [text, cents] of [
    ["0.29", 29],
    ["1250.10", 125010],
    ["99999999.99", 9999999999],
  ] as const) {
    it(`"${text}" round-trips exactly through ${cents} cents`, () => {
      expect(decimalToCents(text)).to.equal(cents);
      expect(centsToDecimal(cents)).to.equal(text);
    });
  }

  it("reads whole dollars, one decimal and signs", () => {
    expect(decimalToCents("7")).to.equal(700);
    expect(decimalToCents("7.5")).to.equal(750);
    expect(decimalToCents("-0.29")).to.equal(-29);
    expect(centsToDecimal(-29)).to.equal("-0.29");
  });

  it("refuses what is not an exact amount", () => {
    for (const bad of ["", "1.234", "1e3", "1,000.00", "abc", "0x10", "1.", ".5"]) {
      expect(() => decimalToCents(bad), bad).to.throw(MoneyFormatError);
    }
  });

  it("reads cents digits as NACHA writes them", () => {
    expect(digitsToCents("0000125010")).to.equal(125010);
    expect(() => digitsToCents("00001250 0")).to.throw(MoneyFormatError);
  });

  it("formats dollars for people", () => {
    expect(formatUsd(125010)).to.equal("$1,250.10");
    expect(formatUsd(-5)).to.equal("-$0.05");
  });

  it("every cents value survives the decimal round trip (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (cents) => {
        expect(decimalToCents(centsToDecimal(cents))).to.equal(cents);
      }),
      { numRuns: 2000 },
    );
  });

  it("sums past float precision without drifting, and refuses to overflow", () => {
    expect(sumCents([10, 20, 30])).to.equal(60);
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).to.throw(MoneyFormatError);
  });
});
