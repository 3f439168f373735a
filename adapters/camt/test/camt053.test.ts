import { expect } from "chai";
import path from "node:path";
import { camt053 as adapter } from "../camt053";
import { loadAggregatorMapping } from "../../../src/config/mapping-loader";
import { bankEntries, GENKGO, payments, read053, sample, statementWith, warnings } from "./helpers";

describe("camt053 adapter", () => {
  it("loads its shipped mapping", () => {
    const loaded = loadAggregatorMapping("camt053");
    expect(loaded.adapter).to.equal(adapter);
  });

  it("reads each statement line as a bank entry, never as a payment", async () => {
    const out = await read053({ file: sample("camt053", "statement-v08.xml") });
    expect(out.errors).to.deep.equal([]);
    expect(payments(out)).to.deep.equal([]);
    expect(
      bankEntries(out).map((b) => [
        b.line,
        b.entry.direction,
        b.entry.amountCents,
        b.entry.typeCode,
        b.entry.bankRef,
        b.entry.customerRef,
      ]),
    ).to.deep.equal([
      [66, "credit", 358285, "PMNT/RCDT/ACDT", "BNK170320000090", "FEB-20170320-01"],
      [109, "credit", 195160, "PMNT/RCDT/ACDT", "BNK170320000101", "MHC-CAMT054-20170320-01"],
      [141, "credit", 30500, "PMNT/RCDT/ACDT", "BNK170320000103", "BP20170318E0005"],
      [180, "debit", 41250, "PMNT/RCDT/ARET", "BNK170320000104", "BP20170316A0001"],
      [213, "debit", 3500, "ACMT/MDOP/CHRG", "BNK170320000199", null],
    ]);
    const [first, , , reversal] = bankEntries(out).map((b) => b.entry);
    expect(first).to.include({
      bankAccount: "9876543210",
      bookedOn: "2017-03-20",
      valueOn: "2017-03-20",
      text: "BILL PAY SETTLEMENT FEB-20170320-01",
    });
    expect(reversal.details).to.include({ reversal: true });
  });

  it("rejects a statement whose closing balance is not the opening balance plus its entries", async () => {
    const out = await read053({ file: sample("camt053", "broken-balance.xml") });
    expect(out.errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([["balance_mismatch", 39, "Bal/Amt"]]);
  });

  it("does not compare balances when the mapping turns the check off", async () => {
    const out = await read053({ file: sample("camt053", "broken-balance.xml") }, { checkBalances: false });
    expect(out.errors).to.deep.equal([]);
  });

  it("checks a statement's TxsSummry like a notification's", async () => {
    const text = statementWith(["1.00", "2.00"], "0.00", "3.00").replace(
      "<Ntry>",
      "<TxsSummry><TtlNtries><NbOfNtries>3</NbOfNtries><Sum>3.00</Sum></TtlNtries></TxsSummry>\n      <Ntry>",
    );
    const out = await read053({ text });
    expect(out.errors.map((e) => [e.code, e.field])).to.deep.equal([
      ["control_count_mismatch", "TxsSummry/TtlNtries/NbOfNtries"],
    ]);
  });

  for (const file of ["camt053.v2.minimal.xml", "camt053.v8.xml"]) {
    it(`reads the public sample ${file}: one EUR credit of 8.85, balances in other currencies not compared`, async () => {
      const out = await read053({ file: path.join(GENKGO, file) });
      expect(out.errors).to.deep.equal([]);
      expect(
        bankEntries(out).map((b) => [
          b.entry.direction,
          b.entry.amountCents,
          b.entry.currency,
          b.entry.bookedOn,
          b.entry.valueOn,
        ]),
      ).to.deep.equal([["credit", 885, "EUR", "2014-12-31", "2015-01-02"]]);
      expect(warnings(out).map((w) => w.code)).to.deep.equal(["balance_currency_mismatch"]);
    });
  }

  it("rejects a camt.054 notification, pointing to the camt054 adapter", async () => {
    const out = await read053({ file: path.join(GENKGO, "camt054.v8.xml") });
    expect(out.errors.map((e) => e.code)).to.deep.equal(["wrong_message"]);
    expect(out.errors[0].message).to.include("camt054 adapter");
  });

  it("reports a pending statement line as a warning unless the mapping counts it", async () => {
    const text = statementWith(["1.00"]).replace("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>");
    expect(warnings(await read053({ text })).map((w) => w.code)).to.deep.equal(["entry_not_counted"]);
    expect(bankEntries(await read053({ text }, { statuses: ["BOOK", "PDNG"] }))).to.have.length(1);
  });
});
