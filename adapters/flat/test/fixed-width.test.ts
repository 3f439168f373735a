import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { amplifyFixedWidth } from "../fixed-width/amplify";
import { FixedWidthMapping } from "../fixed-width/mapping";
import { parseFixedWidth } from "../fixed-width/parse";
import { MAPPINGS_DIR, SAMPLES_DIR } from "../../../src/paths";
import { codes, collect, payments } from "./parse-helpers";
import { drain } from "../../../test/support/drain";
import { windows1252 } from "../../../test/support/windows-1252";
import { Readable } from "node:stream";

const CHECKFREE = FixedWidthMapping.parse(
  parseYaml(readFileSync(path.join(MAPPINGS_DIR, "checkfree-fixed.yaml"), "utf8")),
);
const SAMPLE = readFileSync(path.join(SAMPLES_DIR, "checkfree-fixed", "day-20170320.txt"));
const run = (input: string | Buffer, mapping = CHECKFREE) => collect((i) => parseFixedWidth(i, mapping), input);

/** The sample's records as text (ISO-8859-1), to edit one and parse again. */
const records = () => SAMPLE.toString("latin1").split("\r\n").filter(Boolean);
const asFile = (lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n`, "latin1");

const SHORT = {
  version: 1,
  adapter: "fixed-width",
  fixedWidth: { recordLength: 20, shortRecords: "pad" },
  detail: { accountRaw: { start: 1, end: 9 }, amount: { start: 10, end: 17, style: "cents", sign: "trailing" } },
};

describe("fixed-width by mapping", () => {
  it("reads the CheckFree-style sample: payments, a reversal, a return, and the trailer as a control", async () => {
    const p = await run(SAMPLE);
    expect(p.errors).to.deep.equal([]);
    const kinds = payments(p).map((d) => d.kind);
    expect(kinds.filter((k) => k === "payment")).to.have.length(11);
    expect(kinds).to.include.members(["reversal", "return"]);
    const ret = payments(p).find((d) => d.kind === "return");
    expect(ret).to.deep.include({
      amountCents: 8900,
      originalRef: "CF7000000000087",
      reasonCode: "R01",
      settledOn: "2017-03-20",
    });
    expect(p.items.find((i) => i.kind === "header")).to.deep.include({
      identity: "CHECKFREE 4100000123201703200615000042",
    });
  });

  it("decodes ISO-8859-1 names", async () => {
    expect(payments(await run(SAMPLE)).map((d) => d.payerName)).to.include("JOSÉ MUÑOZ");
  });

  it("keeps blanks and dashes inside an account number as typed", async () => {
    expect(payments(await run(SAMPLE)).map((d) => d.accountRaw)).to.include.members(["712-345-826", "7123 45842"]);
  });

  it("rejects a record of the wrong length and still checks the rest", async () => {
    const lines = records();
    lines[3] = lines[3].trimEnd();
    const p = await run(asFile(lines));
    expect(codes(p)).to.deep.equal([
      "bad_record_length@4",
      "control_count_mismatch@15:trailer.count",
      "control_total_mismatch@15:trailer.total",
    ]);
  });

  it("pads short records when the mapping allows senders that trim trailing blanks", async () => {
    const p = await run("7123456780041250-\n7123-456-00001000\n", FixedWidthMapping.parse(SHORT));
    expect(p.errors).to.deep.equal([]);
    expect(payments(p).map((d) => [d.kind, d.amountCents, d.accountRaw])).to.deep.equal([
      ["reversal", 41250, "712345678"],
      ["payment", 1000, "7123-456-"],
    ]);
  });

  it("names the positions of a bad date", async () => {
    const lines = records();
    lines[2] = `${lines[2].slice(0, 72)}02302017${lines[2].slice(80)}`;
    const p = await run(asFile(lines));
    expect(p.errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([["bad_date", 3, "initiatedOn"]]);
    expect(p.errors[0].message).to.include("positions 73-80");
  });

  it("refuses, when the mapping loads, a field that ends before it starts or past the record", () => {
    const bad = FixedWidthMapping.safeParse({
      ...SHORT,
      detail: { ...SHORT.detail, payerName: { start: 15, end: 12 }, sourceRef: { start: 18, end: 30 } },
    });
    expect(bad.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).to.have.members([
      "detail.payerName: end (12) is before start (15)",
      "detail.sourceRef: end (30) is past recordLength (20)",
    ]);
  });

  it("amplifies the sample into a file that passes its own trailer", async () => {
    const big = amplifyFixedWidth(SAMPLE, 50, CHECKFREE);
    const p = await run(big as Buffer);
    expect(p.errors).to.deep.equal([]);
    expect(payments(p)).to.have.length(13 * 50);
  });
});

describe("fixed-width text encoding", () => {
  // No encoding declared: the fixed-width default is "auto" (UTF-8, else Windows-1252).
  const NAMES = {
    version: 1,
    adapter: "fixed-width",
    fixedWidth: { recordLength: 40 },
    detail: {
      accountRaw: { start: 1, end: 9 },
      payerName: { start: 10, end: 29 },
      amount: { start: 30, end: 37, style: "cents" },
      sourceRef: { start: 38, end: 40 },
    },
  };
  const mapping = (encoding?: string) => FixedWidthMapping.parse(encoding ? { ...NAMES, encoding } : NAMES);
  const TEXT = "712345678ALVAREZ MARÍA       00031245001\r\n7123-4567ŠOLC ŒUVRE          00005000002\r\n";
  const expected = [
    ["ALVAREZ MARÍA", "712345678", 31245, "001"],
    ["ŠOLC ŒUVRE", "7123-4567", 5000, "002"],
  ];
  const summary = (p: Awaited<ReturnType<typeof run>>) =>
    payments(p).map((d) => [d.payerName, d.accountRaw, d.amountCents, d.sourceRef]);

  it("defaults to auto, and the mapping may say so", () => {
    expect(mapping().encoding).to.equal("auto");
    expect(mapping("auto").encoding).to.equal("auto");
  });

  it("a UTF-8 file and a Windows-1252 file give the same names, with every field at its character position", async () => {
    const utf8 = Buffer.from(TEXT, "utf8");
    expect(utf8.length).to.be.greaterThan(84);
    for (const bytes of [utf8, windows1252(TEXT)]) {
      for (const m of [mapping(), mapping("auto")]) {
        const p = await run(bytes, m);
        expect(p.errors).to.deep.equal([]);
        expect(summary(p)).to.deep.equal(expected);
      }
    }
  });

  it("the same one byte at a time", async () => {
    for (const bytes of [Buffer.from(TEXT, "utf8"), windows1252(TEXT)]) {
      const p = await drain(parseFixedWidth(Readable.from([...bytes].map((b) => Buffer.from([b]))), mapping()));
      expect(p.errors).to.deep.equal([]);
      expect(summary(p)).to.deep.equal(expected);
    }
  });

  it("amplifies a sample in the encoding auto reads it in, byte for byte", async () => {
    for (const bytes of [Buffer.from(TEXT, "utf8"), windows1252(TEXT)]) {
      const big = amplifyFixedWidth(bytes, 3, mapping()) as Buffer;
      const firstLine = bytes.subarray(0, bytes.indexOf(0x0a) + 1);
      expect(big.subarray(0, firstLine.length)).to.deep.equal(firstLine);
      const p = await run(big, mapping());
      expect(p.errors).to.deep.equal([]);
      expect(summary(p)).to.deep.equal([expected[0], expected[0], expected[0], expected[1], expected[1], expected[1]]);
    }
  });

  it("a declared encoding is still obeyed: utf-8 refuses the Windows-1252 file", async () => {
    expect(codes(await run(windows1252(TEXT), mapping("utf-8")))).to.deep.equal([
      "invalid_encoding@1",
      "invalid_encoding@2",
    ]);
  });

  it("auto refuses a file that turns from UTF-8 to Windows-1252 part way", async () => {
    const [first, second] = TEXT.split("\r\n");
    const bytes = Buffer.concat([Buffer.from(`${first}\r\n`, "utf8"), windows1252(`${second}\r\n`)]);
    expect(codes(await run(bytes, mapping()))).to.deep.equal(["invalid_encoding@2"]);
  });
});
