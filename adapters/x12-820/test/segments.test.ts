import { expect } from "chai";
import { readSegments, type X12Segment } from "../segment-reader";
import { parseGs, parseIsa, parseSt, parseTrailer } from "../segments/envelope";
import {
  displayName,
  parseAdx,
  parseBpr,
  parseDtm,
  parseEnt,
  parseN1,
  parseNm1,
  parseRef,
  parseRmr,
  parseTrn,
} from "../segments/remittance";
import { x12Cents } from "../values";
import { expectFormatError } from "../../../test/support/format-errors";
import { chunked, isa, STAR } from "./helpers";
import { drain } from "../../../test/support/drain";

/** Reads `ISA` + the given segment text and returns the segment after the ISA. */
async function seg(text: string): Promise<X12Segment> {
  const { items } = await drain(readSegments(chunked(`${isa(STAR)}${text}~`, 4096)));
  return items[1];
}

describe("x12 envelope segments", () => {
  it("parses ISA field by field (trimmed, date as ISO)", async () => {
    const { items } = await drain(readSegments(chunked(isa(STAR, "000000042"), 200)));
    expect(parseIsa(items[0])).to.deep.equal({
      senderQualifier: "ZZ",
      senderId: "SENDER",
      receiverQualifier: "ZZ",
      receiverId: "RECEIVER",
      date: "2017-03-20",
      time: "0930",
      versionNumber: "00501",
      controlNumber: "000000042",
      usage: "P",
    });
  });

  it("parses GS, ST and the SE/GE/IEA trailers", async () => {
    expect(parseGs(await seg("GS*RA*SND*RCV*20170320*0930*7*X*005010X218"))).to.deep.equal({
      functionalId: "RA",
      senderCode: "SND",
      receiverCode: "RCV",
      date: "2017-03-20",
      time: "0930",
      controlNumber: "7",
      agency: "X",
      version: "005010X218",
    });
    expect(parseSt(await seg("ST*820*0001*005010X218"))).to.deep.equal({
      setId: "820",
      controlNumber: "0001",
      conventionReference: "005010X218",
    });
    expect(parseSt(await seg("ST*820*0001"))).to.deep.equal({
      setId: "820",
      controlNumber: "0001",
      conventionReference: null,
    });
    expect(parseTrailer(await seg("SE*12*0001"))).to.deep.equal({ count: "12", controlNumber: "0001" });
  });

  it("names the missing element of a header: GS06", async () => {
    const s = await seg("GS*RA*S*R*20170320*0930**X*005010X218");
    expectFormatError(() => parseGs(s), "missing_element", "GS06");
  });
});

describe("x12 820 segments", () => {
  it("parses BPR: handling code, total in cents, credit flag, method, format and BPR16 effective date", async () => {
    const bpr = parseBpr(
      await seg("BPR*C*1047.55*C*ACH*CCP*01*011000015*DA*123*1234567890**01*011000028*DA*456*20170320"),
    );
    expect(bpr).to.deep.equal({
      handlingCode: "C",
      totalCents: 104755,
      creditDebit: "C",
      methodCode: "ACH",
      formatCode: "CCP",
      effectiveDate: "2017-03-20",
    });
    expect(parseBpr(await seg("BPR*I*0*C*NON")).effectiveDate).to.equal(null);
  });

  it("parses TRN, REF, N1, ENT and NM1 by element", async () => {
    expect(parseTrn(await seg("TRN*1*91000012345678*1234567890"))).to.deep.equal({
      typeCode: "1",
      trace: "91000012345678",
      originatorId: "1234567890",
    });
    expect(parseRef(await seg("REF*18*HLT-SILVER"))).to.deep.equal({ qualifier: "18", value: "HLT-SILVER" });
    expect(parseN1(await seg("N1*PE*MA HEALTH CONNECTOR*FI*043000000"))).to.deep.equal({
      entityCode: "PE",
      name: "MA HEALTH CONNECTOR",
      idQualifier: "FI",
      id: "043000000",
    });
    expect(parseEnt(await seg("ENT*3*2J*EI*E00003"))).to.deep.equal({
      assignedNumber: "3",
      entityCode: "2J",
      idQualifier: "EI",
      id: "E00003",
    });
    const nm1 = parseNm1(await seg("NM1*IL*1*OKAFOR*CHIDI*N***34*000000000"));
    expect(nm1).to.deep.equal({
      entityCode: "IL",
      entityType: "1",
      lastOrOrganization: "OKAFOR",
      first: "CHIDI",
      middle: "N",
      idQualifier: "34",
      id: "000000000",
    });
    expect(displayName(nm1)).to.equal("CHIDI N OKAFOR");
    expect(displayName(parseNm1(await seg("NM1*IN*2*ACME INSURANCE")))).to.equal("ACME INSURANCE");
  });

  it("parses RMR keeping RMR02 exactly as typed, with paid and billed amounts in cents", async () => {
    expect(parseRmr(await seg("RMR*11* 7234-567-89 **300*320.00"))).to.deep.equal({
      qualifier: "11",
      reference: " 7234-567-89 ",
      actionCode: "",
      paidCents: 30000,
      billedCents: 32000,
    });
    expect(parseRmr(await seg("RMR*IK*745678901*PO*-41.1")).paidCents).to.equal(-4110);
  });

  it("requires RMR04 and names it", async () => {
    const s = await seg("RMR*11*712345678");
    expect(() => parseRmr(s)).to.throw(/RMR04 amount paid is required/);
  });

  it("parses DTM*582 as a period (RD8), a single date (D8 in DTM06) or DTM02", async () => {
    expect(parseDtm(await seg("DTM*582****RD8*20170401-20170430"))).to.deep.equal({
      qualifier: "582",
      period: { start: "2017-04-01", end: "2017-04-30" },
    });
    expect(parseDtm(await seg("DTM*582****D8*20170401"))).to.deep.equal({
      qualifier: "582",
      period: { start: "2017-04-01", end: null },
    });
    expect(parseDtm(await seg("DTM*097*20170316"))).to.deep.equal({
      qualifier: "097",
      period: { start: "2017-03-16", end: null },
    });
  });

  it("parses ADX amount, reason and reference", async () => {
    expect(parseAdx(await seg("ADX*-20.00*52*IK*INV9"))).to.deep.equal({
      amountCents: -2000,
      reasonCode: "52",
      refQualifier: "IK",
      ref: "INV9",
    });
  });

  it("rejects an impossible date and names the element", async () => {
    const s = await seg("DTM*582****RD8*20170231-20170430");
    expectFormatError(() => parseDtm(s), "invalid_date", "DTM06");
  });
});

describe("x12 decimal amounts", () => {
  it("converts X12 decimals to cents exactly", async () => {
    const s = await seg("RMR*11*1**1");
    const cases: [string, number][] = [
      ["1250.1", 125010],
      ["1250.10", 125010],
      [".5", 50],
      ["-20", -2000],
      ["10.500", 1050],
      ["0", 0],
      ["+3.07", 307],
    ];
    for (const [value, cents] of cases) expect(x12Cents(value, s, 4), value).to.equal(cents);
  });

  it("rejects fractions of a cent, exponents, commas and empty values", async () => {
    const s = await seg("RMR*11*1**1");
    for (const value of ["10.005", "1e3", "1,000.00", "", ".", "12.3.4", "$5"]) {
      expect(() => x12Cents(value, s, 4), value).to.throw(/is not a decimal amount/);
    }
  });
});
