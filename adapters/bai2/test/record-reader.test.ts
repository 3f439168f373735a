import { Readable } from "node:stream";
import { expect } from "chai";
import { ErrorCollector } from "../../../src/adapter-kit/format-error";
import { readRecords } from "../record-reader";
import { logical } from "./helpers";

async function physical(text: string) {
  const errors = new ErrorCollector();
  const out: [string, string, number][] = [];
  for await (const r of readRecords(Readable.from([text]), errors)) out.push([r.code, r.body, r.line]);
  return { records: out, errors: errors.errors.map((e) => [e.code, e.line]) };
}

describe("bai2 record reader", () => {
  it("ends records at / and keeps the physical line each starts on", async () => {
    expect((await physical("01,A,B,240321,0600,1,,,2/\n02,B,A,1,240321,,USD,2/\n")).records).to.deep.equal([
      ["01", "A,B,240321,0600,1,,,2", 1],
      ["02", "B,A,1,240321,,USD,2", 2],
    ]);
  });

  it("splits several records on one physical line (moov-io sample3)", async () => {
    const { records } = await physical("49,-1600,11/  03,1,,010,00,,/ 49,00,2/\n");
    expect(records).to.deep.equal([
      ["49", "-1600,11", 1],
      ["03", "1,,010,00,,", 1],
      ["49", "00,2", 1],
    ]);
  });

  it("keeps a / inside the text of a 16 record (moov-io sample5: AB/GS/…, 08/18/23)", async () => {
    const { records } = await physical(
      "16,447,928650,,SPB1,AB/GS/RP0001/RPBA0001,Remittance 08/18/23 Invoice\n49,1,2/\n",
    );
    expect(records[0]).to.deep.equal(["16", "447,928650,,SPB1,AB/GS/RP0001/RPBA0001,Remittance 08/18/23 Invoice", 1]);
  });

  it("closes a record without / at the next line that starts with a record code (moov-io sample4)", async () => {
    const { records } = await physical("16,447,60000,,SPB,1111,ACH Credit Payment\n88,EREF: 1111\n49,60000,3/\n");
    expect(records.map((r) => r[0])).to.deep.equal(["16", "88", "49"]);
    expect(records[1]).to.deep.equal(["88", "EREF: 1111", 2]);
  });

  it("joins a line that does not start with a record code to the open record's text (moov-io sample3 line 17)", async () => {
    const { records } = await physical(
      "16,142,2500,Z,,,111111     ACH_SETL  1111111111\n111111111111111        /\n88,   1111111111/\n",
    );
    expect(records).to.deep.equal([
      ["16", "142,2500,Z,,,111111     ACH_SETL  1111111111 111111111111111        ", 1],
      ["88", "   1111111111", 3],
    ]);
  });

  it("flags a line that looks like a record code without its comma (moov-io sample5 line 63: 88:) and keeps its text", async () => {
    const { records, errors } = await physical("16,255,931,,SC1,,Check Return\n88:EREF: 0737\n88,CRNM: Test/\n");
    expect(errors).to.deep.equal([["malformed_record_code", 2]]);
    expect(records[0][1]).to.equal("255,931,,SC1,,Check Return 88:EREF: 0737");
  });

  it("reports a line that is not a record where a record must start", async () => {
    const { errors } = await physical("01,A,B,240321,0600,1,,,2/\nHELLO WORLD\n");
    expect(errors).to.deep.equal([["invalid_record_code", 2]]);
  });

  it("joins 88 continuations to their record and counts the records they span", async () => {
    const { records } = await logical("03,123,USD,010,100,,,190/\n88,500,,,110,1000,,/\n88,-1500,,/\n49,100,4/\n");
    expect(records.map((r) => [r.code, r.bodies, r.records, r.line])).to.deep.equal([
      ["03", ["123,USD,010,100,,,190", "500,,,110,1000,,", "-1500,,"], 3, 1],
      ["49", ["100,4"], 1, 4],
    ]);
  });

  it("treats CRLF and LF alike", async () => {
    const text = "01,A,B,240321,0600,1,,,2/\n16,115,1,0,,,T\n88,X/\n";
    expect((await logical(text.replace(/\n/g, "\r\n"))).records.map((r) => r.bodies)).to.deep.equal(
      (await logical(text)).records.map((r) => r.bodies),
    );
  });

  it("an empty file is an error", async () => {
    expect((await logical("\n \n")).errors.errors.map((e) => e.code)).to.deep.equal(["empty_file"]);
  });
});
