import { expect } from "chai";
import {
  bankingDayOnOrBefore,
  bankingDaysBetween,
  isBankingDay,
  isFederalReserveHoliday,
} from "../../src/rules/banking-days";

describe("rules/banking-days", () => {
  it("a Sunday holiday is observed the Monday after (Independence Day 2027)", () => {
    expect(isBankingDay("2027-07-04")).to.equal(false);
    expect(isFederalReserveHoliday("2027-07-05")).to.equal(true);
    expect(isBankingDay("2027-07-05")).to.equal(false);
    expect(isBankingDay("2027-07-06")).to.equal(true);
  });

  it("a Saturday holiday is not moved to the Friday before, so that Friday is a banking day", () => {
    // Christmas 2027 and Independence Day 2026 fall on Saturdays.
    expect(isBankingDay("2027-12-24")).to.equal(true);
    expect(isBankingDay("2026-07-03")).to.equal(true);
    expect(isFederalReserveHoliday("2027-12-24")).to.equal(false);
  });

  it("Thanksgiving and Christmas are not banking days", () => {
    expect(isBankingDay("2017-11-23")).to.equal(false);
    expect(isBankingDay("2026-11-26")).to.equal(false);
    expect(isBankingDay("2026-12-25")).to.equal(false);
    expect(isBankingDay("2026-11-27")).to.equal(true);
  });

  it("a Sunday Christmas is observed on Monday (2022)", () => {
    expect(isBankingDay("2022-12-26")).to.equal(false);
    expect(isBankingDay("2022-12-27")).to.equal(true);
  });

  it("weekends are never banking days", () => {
    expect(isBankingDay("2026-05-23")).to.equal(false);
    expect(isBankingDay("2026-05-24")).to.equal(false);
    expect(isBankingDay("2026-05-22")).to.equal(true);
  });

  it("counts banking days after the first date up to and including the second", () => {
    // Friday 2 July 2027 → Wednesday 7 July: Sat, Sun, Monday the observed holiday, then Tue and Wed.
    expect(bankingDaysBetween("2027-07-02", "2027-07-07")).to.equal(2);
    // Across Christmas 2026 (Friday): only Monday the 28th counts.
    expect(bankingDaysBetween("2026-12-24", "2026-12-28")).to.equal(1);
    // Across Thanksgiving 2026.
    expect(bankingDaysBetween("2026-11-23", "2026-11-30")).to.equal(4);
    expect(bankingDaysBetween("2026-11-30", "2026-11-23")).to.equal(-4);
    expect(bankingDaysBetween("2026-11-23", "2026-11-23")).to.equal(0);
  });

  it("finds the banking day on or before a date", () => {
    expect(bankingDayOnOrBefore("2027-07-05")).to.equal("2027-07-02");
    expect(bankingDayOnOrBefore("2027-07-06")).to.equal("2027-07-06");
  });
});
