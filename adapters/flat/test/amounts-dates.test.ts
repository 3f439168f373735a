import { expect } from "chai";
import { formatAmount, parseAmount } from "../amounts";
import { parseDay } from "../../../src/adapter-kit/day-formats";
import type { AmountField } from "../types";

const field = (over: Partial<AmountField<unknown>>): AmountField<unknown> => ({
  trim: true,
  style: "decimal",
  sign: "none",
  thousands: false,
  ...over,
});

describe("flat amounts", () => {
  it("reads decimal dollars as exact integer cents", () => {
    expect(parseAmount("1250.10", field({}))).to.equal(125010);
    expect(parseAmount("0.29", field({}))).to.equal(29);
    expect(parseAmount("7", field({}))).to.equal(700);
  });

  it("reads a cents field with its zero fill", () => {
    expect(parseAmount("0000041250", field({ style: "cents" }))).to.equal(41250);
  });

  it("reads a trailing minus only where the field declares one", () => {
    expect(parseAmount("275.75-", field({ sign: "trailing" }))).to.equal(-27575);
    expect(parseAmount("275.75-", field({}))).to.be.a("string");
    expect(parseAmount("-275.75", field({ sign: "leading" }))).to.equal(-27575);
  });

  it("takes the sign from a separate sign field", () => {
    const f = field({ style: "cents", signField: { trim: true, negative: ["-", "DR"] } });
    expect(parseAmount("0000008900", f, "-")).to.equal(-8900);
    expect(parseAmount("0000008900", f, "DR")).to.equal(-8900);
    expect(parseAmount("0000008900", f, " ")).to.equal(8900);
  });

  it("accepts thousands separators only when declared, and only well placed", () => {
    expect(parseAmount("1,250.00", field({ thousands: true }))).to.equal(125000);
    expect(parseAmount("1,250.00", field({}))).to.be.a("string");
    expect(parseAmount("12,50.00", field({ thousands: true }))).to.be.a("string");
  });

  it("refuses three decimals, a decimal point in cents, and blanks", () => {
    expect(parseAmount("1.005", field({}))).to.be.a("string");
    expect(parseAmount("12.50", field({ style: "cents" }))).to.be.a("string");
    expect(parseAmount("   ", field({}))).to.be.a("string");
  });

  it("writes amounts back the way the field declares them", () => {
    expect(formatAmount(-358285, field({ sign: "trailing" }))).to.deep.equal({ amount: "3582.85-", sign: null });
    expect(formatAmount(-100, field({ style: "cents", signField: { trim: true, negative: ["-"] } }), 14)).to.deep.equal(
      { amount: "00000000000100", sign: "-" },
    );
  });
});

describe("flat dates", () => {
  it("reads a day in the first format that fits", () => {
    expect(parseDay("03/20/2017", ["MM/dd/yyyy", "M/d/yyyy"])).to.equal("2017-03-20");
    expect(parseDay("3/5/2017", ["MM/dd/yyyy", "M/d/yyyy"])).to.equal("2017-03-05");
    expect(parseDay("20170320", "yyyyMMdd")).to.equal("2017-03-20");
  });

  it("refuses a day that does not exist", () => {
    expect(parseDay("02/30/2017", "MM/dd/yyyy")).to.equal(null);
    expect(parseDay("13202017", "MMddyyyy")).to.equal(null);
  });

  it("keeps the day as written, whatever the machine's time zone (a local date in New York)", () => {
    expect(parseDay("12/31/2016", "MM/dd/yyyy")).to.equal("2016-12-31");
  });
});
