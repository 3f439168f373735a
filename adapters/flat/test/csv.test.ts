import { expect } from "chai";
import { CsvMapping } from "../csv/mapping";
import { parseCsv } from "../csv/parse";
import { amplifyCsv } from "../csv/amplify";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { MAPPINGS_DIR, SAMPLES_DIR } from "../../../src/paths";
import { codes, collect, payments } from "./parse-helpers";
import { windows1252 } from "../../../test/support/windows-1252";

const SIMPLE = {
  version: 1,
  adapter: "csv",
  csv: { headerRow: true },
  detail: {
    sourceRef: { column: "Ref" },
    accountRaw: { column: "Account" },
    amount: { column: "Amount", style: "decimal", sign: "leading" },
    initiatedOn: { column: "Date", format: "yyyy-MM-dd" },
  },
};
const TYPED = {
  version: 1,
  adapter: "csv",
  recordTypes: { field: { column: 1 }, header: ["H"], detail: ["D"], trailer: ["T"] },
  header: { payeeName: { column: 2 }, settledOn: { column: 3, format: "yyyyMMdd" } },
  detail: {
    accountRaw: { column: 2 },
    amount: { column: 3, style: "cents" },
    kind: { column: 4, values: { payment: ["P"], reversal: ["R"] } },
  },
  trailer: { count: { column: 2 }, total: { column: 3, style: "cents", sign: "leading" } },
};
const csv = (m: object) => CsvMapping.parse(m);
const run = (m: object, text: string | Buffer) => collect((input) => parseCsv(input, csv(m)), text);

describe("CSV by mapping", () => {
  it("reads named columns from the header row, quoted fields and all", async () => {
    const p = await run(
      SIMPLE,
      'Ref,Amount,Account,Date\nA1,412.50,"7123-456-78",2017-03-15\n"A,2",-5.00,712345686,2017-03-16\n',
    );
    expect(p.errors).to.deep.equal([]);
    expect(payments(p).map((d) => [d.sourceRef, d.kind, d.amountCents, d.accountRaw, d.initiatedOn])).to.deep.equal([
      ["A1", "payment", 41250, "7123-456-78", "2017-03-15"],
      ["A,2", "reversal", 500, "712345686", "2017-03-16"],
    ]);
  });

  it("keeps the record's line number and raw text", async () => {
    const p = await run(SIMPLE, "Ref,Amount,Account,Date\n\nA1,1.00,712345678,2017-03-15\r\n");
    const item = p.items.find((i) => i.kind === "payment");
    expect(item?.line).to.equal(3);
    expect(item && item.kind === "payment" && item.draft.raw).to.equal("A1,1.00,712345678,2017-03-15");
  });

  it("names every column the mapping wants that the header row lacks", async () => {
    const p = await run(SIMPLE, "Ref,Amt,Acct,Date\nA1,1.00,712345678,2017-03-15\n");
    expect(codes(p)).to.deep.equal(["missing_column@1:Amount", "missing_column@1:Account"]);
  });

  it("turns a CSV syntax error into a FormatError at its line", async () => {
    const p = await run(SIMPLE, 'Ref,Amount,Account,Date\nA1,1.00,712345678,2017-03-15\nA2,"1.00,712345678\n');
    expect(p.errors.map((e) => e.code)).to.deep.equal(["csv_syntax"]);
    expect(p.errors[0].line).to.be.greaterThan(0);
  });

  it("reports each bad field with its line and mapping key and leaves the record out", async () => {
    const p = await run(
      SIMPLE,
      "Ref,Amount,Account,Date\nA1,12.5.0,712345678,2017-13-01\nA2,1.00,712345678,2017-03-15\n",
    );
    expect(codes(p)).to.deep.equal(["bad_amount@2:amount", "bad_date@2:initiatedOn"]);
    expect(payments(p).map((d) => d.sourceRef)).to.deep.equal(["A2"]);
  });

  it("enforces the trailer's count and total and reports them as a control", async () => {
    const good = await run(TYPED, "H,MA Health Connector,20170320\nD,712345678,1000,P\nD,712345678,300,R\nT,2,700\n");
    expect(good.errors).to.deep.equal([]);
    const control = good.items.find((i) => i.kind === "control");
    expect(control).to.deep.include({ declared: { count: 2, totalCents: 700 }, parsed: { count: 2, totalCents: 700 } });
    expect(payments(good).map((d) => d.settledOn)).to.deep.equal(["2017-03-20", "2017-03-20"]);
    const bad = await run(TYPED, "H,MA Health Connector,20170320\nD,712345678,1000,P\nT,3,999\n");
    expect(codes(bad)).to.deep.equal([
      "control_count_mismatch@3:trailer.count",
      "control_total_mismatch@3:trailer.total",
    ]);
  });

  it("sums the trailer gross when the mapping says so", async () => {
    const p = await run(
      { ...TYPED, trailerTotal: "gross" },
      "H,MA Health Connector,20170320\nD,712345678,1000,P\nD,712345678,300,R\nT,2,1300\n",
    );
    expect(p.errors).to.deep.equal([]);
  });

  it("rejects a missing trailer, a record after it, a misplaced header and an unknown record type", async () => {
    expect(codes(await run(TYPED, "H,MA Health Connector,20170320\nD,712345678,1000,P\n"))).to.deep.equal([
      "missing_trailer@2",
    ]);
    expect(codes(await run(TYPED, "H,MA Health Connector,20170320\nT,0,0\nD,712345678,1000,P\n"))).to.deep.equal([
      "record_after_trailer@3",
    ]);
    expect(codes(await run(TYPED, "D,712345678,1000,P\nH,MA Health Connector,20170320\nT,1,1000\n"))).to.deep.equal([
      "missing_header@1",
      "header_out_of_place@2",
    ]);
    expect(codes(await run(TYPED, "H,MA Health Connector,20170320\nX,1\nT,0,0\n"))).to.deep.equal([
      "unknown_record_type@2:recordType",
    ]);
  });

  it("rejects a kind code the mapping does not list", async () => {
    const p = await run(TYPED, "H,MA Health Connector,20170320\nD,712345678,1000,Z\nT,1,1000\n");
    expect(codes(p)).to.deep.equal(["unknown_code@2:kind"]);
  });

  it("warns, without rejecting, when the header names another payee", async () => {
    const p = await run(TYPED, "H,Acme Insurance,20170320\nD,712345678,1000,P\nT,1,1000\n");
    expect(p.errors).to.deep.equal([]);
    expect(p.items.filter((i) => i.kind === "warning").map((i) => i.kind === "warning" && i.code)).to.deep.equal([
      "payee_mismatch",
    ]);
  });

  it("an empty file is a FormatError", async () => {
    expect(codes(await run(SIMPLE, ""))).to.deep.equal(["empty_file@0"]);
  });

  it("flags bytes that are not UTF-8", async () => {
    const p = await run(
      SIMPLE,
      Buffer.concat([
        Buffer.from("Ref,Amount,Account,Date\nA1,1.00,7123456"),
        Buffer.from([0xff]),
        Buffer.from("78,2017-03-15\n"),
      ]),
    );
    expect(p.errors.map((e) => e.code)).to.deep.equal(["invalid_encoding"]);
  });

  it("a mapping that declares encoding auto reads a Windows-1252 file and a UTF-8 one alike", async () => {
    const names = { ...SIMPLE, encoding: "auto", detail: { ...SIMPLE.detail, payerName: { column: "Name" } } };
    const text = "Ref,Amount,Account,Date,Name\nA1,1.00,712345678,2017-03-15,MUÑOZ ŠOLC\n";
    for (const bytes of [Buffer.from(text, "utf8"), windows1252(text)]) {
      const p = await run(names, bytes);
      expect(p.errors).to.deep.equal([]);
      expect(payments(p).map((d) => d.payerName)).to.deep.equal(["MUÑOZ ŠOLC"]);
    }
  });

  it("never quotes a long digit run (an account or SSN) in an error message", async () => {
    const p = await run(SIMPLE, "Ref,Amount,Account,Date\nA1,1.00,712345678,123-45-6789\n");
    expect(p.errors[0].message).to.not.include("123-45-6789");
    expect(p.errors[0].message).to.include("6789");
  });

  it("refuses, when the mapping loads, named columns without a header row and a trailer without its record type", () => {
    const named = CsvMapping.safeParse({ ...SIMPLE, csv: { headerRow: false } });
    expect(named.success).to.equal(false);
    expect(named.error?.issues[0].path).to.deep.equal(["csv", "headerRow"]);
    const trailer = CsvMapping.safeParse({
      ...TYPED,
      recordTypes: { field: { column: 1 }, detail: ["D"], header: ["H"] },
    });
    expect(trailer.error?.issues.map((i) => i.path.join("."))).to.deep.equal(["trailer"]);
  });

  it("amplifies the bank-csv sample into a file that passes its own trailer", async () => {
    const mapping = csv(parseYaml(readFileSync(path.join(MAPPINGS_DIR, "bank-csv.yaml"), "utf8")) as object);
    const big = amplifyCsv(readFileSync(path.join(SAMPLES_DIR, "bank-csv", "day-20170320.csv")), 7, mapping);
    expect(big).to.not.equal(null);
    const p = await collect((input) => parseCsv(input, mapping), big as Buffer);
    expect(p.errors).to.deep.equal([]);
    expect(payments(p)).to.have.length(13 * 7);
  });
});
