import { expect } from "chai";
import { readDelimiters } from "../delimiters";
import { element, readSegments } from "../segment-reader";
import { body820, chunked, interchange, isa, STAR, type Delims } from "./helpers";
import { drain } from "../../../test/support/drain";

describe("x12 delimiters", () => {
  it("reads the element, repetition, component and segment separators from ISA positions 3, 82, 104 and 105", () => {
    expect(readDelimiters(isa(STAR))).to.deep.equal({ element: "*", repetition: "^", component: ":", segment: "~" });
    expect(readDelimiters(isa({ element: "|", component: ">", segment: "!", repetition: "}" }))).to.deep.equal({
      element: "|",
      repetition: "}",
      component: ">",
      segment: "!",
    });
  });

  it("has no repetition separator before version 00402, where ISA11 is a standards identifier", () => {
    expect(readDelimiters(isa(STAR, "000000001", "00401")).repetition).to.equal(null);
  });

  it("rejects an ISA that is not 106 characters with 16 elements", () => {
    const short = isa(STAR).replace("SENDER         ", "SENDER");
    expect(() => readDelimiters(short + "x".repeat(20))).to.throw(/ISA segment is not the fixed 106-character header/);
  });

  it("rejects a letter as a delimiter", () => {
    const text = isa(STAR);
    expect(() => readDelimiters(`${text.slice(0, 105)}A`)).to.throw(/segment terminator "A"/);
  });
});

describe("x12 segment reader", () => {
  const text = interchange(STAR, body820("10.00", ["10.00"]));

  it("numbers segments from 1 (ISA) and splits elements so that element(s, n) is element n", async () => {
    const { items } = await drain(readSegments(chunked(text, 1 << 16)));
    expect(items.map((s) => s.tag)).to.deep.equal([
      "ISA",
      "GS",
      "ST",
      "BPR",
      "TRN",
      "N1",
      "ENT",
      "NM1",
      "RMR",
      "SE",
      "GE",
      "IEA",
    ]);
    expect(items.map((s) => s.index)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const rmr = items[8];
    expect([element(rmr, 1), element(rmr, 2), element(rmr, 4), element(rmr, 9)]).to.deep.equal([
      "11",
      "712345670",
      "10.00",
      "",
    ]);
    expect(items.every((s) => s.line === 1)).to.equal(true);
  });

  it("gives the same segments whatever the chunk size, down to one byte per chunk", async () => {
    const whole = (await drain(readSegments(chunked(text, 1 << 16)))).items.map((s) => s.raw);
    for (const size of [1, 7, 105, 106, 113]) {
      expect((await drain(readSegments(chunked(text, size)))).items.map((s) => s.raw)).to.deep.equal(whole);
    }
  });

  for (const [name, after] of [
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CRLF with indentation", "\r\n    "],
  ] as const) {
    it(`skips ${name} between segments and tracks the physical line of each segment`, async () => {
      const d: Delims = { ...STAR, after };
      const { items, errors } = await drain(readSegments(chunked(interchange(d, body820("10.00", ["10.00"])), 50)));
      expect(errors).to.deep.equal([]);
      expect(items.map((s) => s.line)).to.deep.equal(items.map((s) => s.index));
      expect(items.every((s) => !/[\r\n]/.test(s.raw))).to.equal(true);
    });
  }

  it("reads a file whose segment terminator is a newline and whose element separator is |", async () => {
    const d: Delims = { element: "|", component: ">", segment: "\n", repetition: "^" };
    const { items } = await drain(
      readSegments(chunked(interchange(d, body820("10.00", ["10.00"])).replace(/\n/g, "\r\n"), 64)),
    );
    expect(items.map((s) => s.tag).slice(0, 4)).to.deep.equal(["ISA", "GS", "ST", "BPR"]);
    expect(element(items[3], 2)).to.equal("10.00");
    expect(items[3].line).to.equal(4);
  });

  it("reports input that does not start with ISA, an empty input and a runaway segment as FormatErrors", async () => {
    expect((await drain(readSegments(chunked("GS*RA*X~", 10)))).errors.map((e) => e.code)).to.deep.equal([
      "missing_isa",
    ]);
    expect((await drain(readSegments(chunked(" \r\n ", 10)))).errors.map((e) => e.code)).to.deep.equal(["empty_file"]);
    expect((await drain(readSegments(chunked("ISA*00*", 10)))).errors.map((e) => e.code)).to.deep.equal([
      "invalid_isa",
    ]);
    const runaway = `${isa(STAR)}GS*${"A".repeat(200)}`;
    const { errors } = await drain(readSegments(chunked(runaway, 16), { maxSegmentLength: 100 }));
    expect(errors.map((e) => [e.code, e.line])).to.deep.equal([["segment_too_long", 2]]);
  });

  it("rejects a segment whose identifier is not two or three capitals and digits", async () => {
    const { errors } = await drain(readSegments(chunked(`${isa(STAR)}GS*RA~??*1~`, 64)));
    expect(errors.map((e) => [e.code, e.line])).to.deep.equal([["invalid_segment_id", 3]]);
  });
});
