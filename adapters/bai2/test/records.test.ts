import { expect } from "chai";
import { parseAccountIdentifier } from "../records/account-identifier";
import { fileIdentity, parseFileHeader } from "../records/file-header";
import { parseGroupHeader } from "../records/group-header";
import { parseTransactionDetail } from "../records/transaction-detail";
import { parseAccountTrailer, parseFileTrailer, parseGroupTrailer } from "../records/trailers";
import { expectFormatError } from "../../../test/support/format-errors";
import { record } from "./helpers";

describe("bai2 records", () => {
  it("01 file header, field by field, with its identity", async () => {
    const h = parseFileHeader(await record("01,0004,12345,060321,0829,001,80,1,2/"));
    expect(h).to.deep.equal({
      senderId: "0004",
      receiverId: "12345",
      creationDate: "2006-03-21",
      creationTime: "0829",
      fileId: "001",
      physicalRecordLength: "80",
      blockSize: "1",
      version: "2",
    });
    expect(fileIdentity(h)).to.equal("0004|12345|2006-03-21|0829|001");
  });

  it("01 with a version other than 2 is refused on its version field", async () => {
    const r = await record("01,A,B,060321,0829,001,,,1/");
    expectFormatError(() => parseFileHeader(r), "unsupported_version", "01.versionNumber");
  });

  it("02 group header", async () => {
    expect(parseGroupHeader(await record("02,12345,0004,1,060317,,CAD,/"))).to.deep.equal({
      ultimateReceiverId: "12345",
      originatorId: "0004",
      groupStatus: "1",
      asOfDate: "2006-03-17",
      asOfTime: null,
      currency: "CAD",
      asOfDateModifier: null,
    });
    const bad = await record("02,1,2,1,061317,,,/");
    expectFormatError(() => parseGroupHeader(bad), "invalid_date", "02.asOfDate");
  });

  it("03 account with summaries continued over 88s, and funds types S, V and D with their extra fields", async () => {
    const a = parseAccountIdentifier(
      await record(
        "03,0975312468,,010,500000,,,190,70000000,4,0,110/\n88,70000000,15,D,3,0,20000000,1,30000000,3,20000000,400,5,1,S,1,2,2,040,7,,V,060316,1200/",
      ),
    );
    expect(a.accountNumber).to.equal("0975312468");
    expect(a.currency).to.equal(null);
    expect(a.summaries).to.deep.equal([
      { typeCode: "010", amountCents: 500000, itemCount: null, funds: { type: null } },
      { typeCode: "190", amountCents: 70000000, itemCount: 4, funds: { type: "0" } },
      {
        typeCode: "110",
        amountCents: 70000000,
        itemCount: 15,
        funds: {
          type: "D",
          distribution: [
            { days: 0, amountCents: 20000000 },
            { days: 1, amountCents: 30000000 },
            { days: 3, amountCents: 20000000 },
          ],
        },
      },
      {
        typeCode: "400",
        amountCents: 5,
        itemCount: 1,
        funds: { type: "S", immediateCents: 1, oneDayCents: 2, twoOrMoreDaysCents: 2 },
      },
      {
        typeCode: "040",
        amountCents: 7,
        itemCount: null,
        funds: { type: "V", valueDate: "2006-03-16", valueTime: "1200" },
      },
    ]);
  });

  it("03 skips an empty type-code group and reads signed amounts (moov-io sample4)", async () => {
    const a = parseAccountIdentifier(await record("03,107049924,USD,,,,,060,-13053325440,,,100,000,0,/"));
    expect(a.summaries.map((s) => [s.typeCode, s.amountCents, s.itemCount])).to.deep.equal([
      ["060", -13053325440, null],
      ["100", 0, 0],
    ]);
    const bad = await record("03,1,USD,010,12.50,,/");
    expectFormatError(() => parseAccountIdentifier(bad), "invalid_amount", "03.amount");
  });

  it("16 detail: type, amount, funds, references and text with commas and 88 continuations", async () => {
    expect(
      parseTransactionDetail(await record("16,409,000000000002500,V,060316,,,,RETURNED CHEQUE     /")),
    ).to.deep.equal({
      typeCode: "409",
      amountCents: 2500,
      funds: { type: "V", valueDate: "2006-03-16", valueTime: null },
      bankReference: null,
      customerReference: null,
      text: "RETURNED CHEQUE",
    });
    const d = parseTransactionDetail(
      await record(
        "16,447,60000,,SPB2322,1111,ACH Credit Payment,Entry Description: EXP; -\n88,EREF: 1111\n88,DBNM: TEST INC\n49,1,1/",
      ),
    );
    expect(d).to.deep.include({
      typeCode: "447",
      amountCents: 60000,
      bankReference: "SPB2322",
      customerReference: "1111",
      funds: { type: null },
    });
    expect(d.text).to.equal("ACH Credit Payment,Entry Description: EXP; - EREF: 1111 DBNM: TEST INC");
    const s = parseTransactionDetail(await record("16,115,450000,S,100000,200000,150000,,,/"));
    expect(s).to.deep.include({
      funds: { type: "S", immediateCents: 100000, oneDayCents: 200000, twoOrMoreDaysCents: 150000 },
      text: null,
    });
  });

  it("16 refuses a signed amount, a bad type code and an unknown funds type, naming the field", async () => {
    const signed = await record("16,115,-5,0,,,/");
    expectFormatError(() => parseTransactionDetail(signed), "invalid_amount", "16.amount");
    const code = await record("16,11,5,0,,,/");
    expectFormatError(() => parseTransactionDetail(code), "invalid_type_code", "16.typeCode");
    const funds = await record("16,115,5,Q,,,/");
    expectFormatError(() => parseTransactionDetail(funds), "invalid_funds_type", "16.fundsType");
  });

  it("49, 98 and 99 trailers", async () => {
    expect(parseAccountTrailer(await record("49,+00000000000834000,14/"))).to.deep.equal({
      accountControlTotal: 834000,
      numberOfRecords: 14,
    });
    expect(parseGroupTrailer(await record("98,-1600,2,25/"))).to.deep.equal({
      groupControlTotal: -1600,
      numberOfAccounts: 2,
      numberOfRecords: 25,
    });
    expect(parseFileTrailer(await record("99,1280000,1,27/"))).to.deep.equal({
      fileControlTotal: 1280000,
      numberOfGroups: 1,
      numberOfRecords: 27,
    });
    const missing = await record("99,1280000,1/");
    expectFormatError(() => parseFileTrailer(missing), "missing_field", "99.numberOfRecords");
  });
});
