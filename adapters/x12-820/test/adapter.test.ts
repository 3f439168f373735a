import { expect } from "chai";
import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { adapter } from "..";
import { X12Mapping } from "../mapping";
import type { ParsedItem } from "../../../src/adapter-kit/adapter";
import { loadAggregatorMapping } from "../../../src/config/mapping-loader";
import type { PaymentDraft } from "../../../src/model";
import { SAMPLES_DIR } from "../../../src/paths";
import { drain } from "../../../test/support/drain";

const DIR = path.join(SAMPLES_DIR, "x12-820");
const mapping = loadAggregatorMapping("x12-820").mapping as X12Mapping;
const runFile = (name: string) =>
  drain(adapter.parse(createReadStream(path.join(DIR, name)), mapping, { name, aggregator: "x12-820" }));
const drafts = (items: ParsedItem[]): (PaymentDraft & { line: number })[] =>
  items.flatMap((i) => (i.kind === "payment" ? [{ ...i.draft, line: i.line }] : []));

describe("x12-820 adapter", () => {
  it("reads normal-day.x12: one payment per RMR, field by field", async () => {
    const { items, errors } = await runFile("normal-day.x12");
    expect(errors).to.deep.equal([]);
    const d = drafts(items);
    expect(
      d.map((p) => [
        p.line,
        p.sourceRef,
        p.amountCents,
        p.accountRaw,
        p.payerName,
        p.planType,
        p.method,
        p.settledOn,
        p.coverageMonth,
      ]),
    ).to.deep.equal([
      [12, "91000012345678:1", 41250, "712345678", "ANA RIVERA", "health", "ach", "2017-03-20", "2017-04"],
      [17, "91000012345678:2", 3820, "712345678", "ANA RIVERA", "dental", "ach", "2017-03-20", "2017-04"],
      [22, "91000012345678:3", 30000, "7234-567-89", "CHIDI OKAFOR", "health", "ach", "2017-03-20", "2017-04"],
      [28, "91000012345678:4", 25575, "734567890", "LINH NGUYEN", "health", "ach", "2017-03-20", "2017-04"],
      [33, "91000012345678:5", 4110, "745678901", "SAMUEL BROWN", "dental", "ach", "2017-03-20", "2017-04"],
      [46, "CHK10045:1", 19800, "756789012", "PIOTR KOWALSKI", "health", "check", "2017-03-21", "2017-05"],
    ]);
    expect(new Set(d.map((p) => p.sourceRef)).size).to.equal(d.length);
    expect(d.every((p) => p.kind === "payment" && p.initiatedOn !== null)).to.equal(true);
    expect(d[2].details ?? {}).to.deep.include({
      trace: "91000012345678",
      rmrSequence: 3,
      billedCents: 32000,
      version: "005010X218",
      segment: 22,
    });
    expect(d[2].details?.adjustments).to.deep.equal([
      { amountCents: -2000, reasonCode: "52", reason: "credit for overpayment", segment: 25 },
    ]);
    const warnings = items.filter((i) => i.kind === "warning");
    expect(warnings).to.deep.equal([
      {
        kind: "warning",
        code: "x12_adjustment",
        line: 25,
        field: "ADX01",
        message: "ADX 52 (credit for overpayment) of -20.00 on the RMR at segment 22",
      },
    ]);
    const header = items.find((i) => i.kind === "header");
    expect(header).to.deep.include({ line: 1, identity: "ZZ:BILLPAYAGG:000000101" });
  });

  it("reads the 004010X061A1 variant with | and newline-terminated segments", async () => {
    const { items, errors } = await runFile("version-4010.x12");
    expect(errors).to.deep.equal([]);
    expect(drafts(items).map((p) => [p.amountCents, p.accountRaw, p.planType, p.details?.version])).to.deep.equal([
      [35000, "767890123", "health", "004010X061A1"],
      [2999, "767890124", "dental", "004010X061A1"],
    ]);
  });

  it("reads the CRLF, indented file with an entity-level ADX counted in BPR02 and an account typed with blanks", async () => {
    const { items, errors } = await runFile("newlines-crlf.x12");
    expect(errors).to.deep.equal([]);
    expect(drafts(items).map((p) => [p.line, p.accountRaw, p.amountCents])).to.deep.equal([
      [11, "712 345 679", 41000],
      [17, "778899001", 21500],
    ]);
    const control = items.find((i) => i.kind === "control");
    expect(control).to.deep.include({
      declared: { count: 18, totalCents: 61000 },
      parsed: { count: 18, totalCents: 61000 },
    });
  });

  const broken: [string, [string, number, string][]][] = [
    ["broken-se01.x12", [["segment_count_mismatch", 36, "SE01"]]],
    ["broken-bpr02.x12", [["payment_total_mismatch", 4, "BPR02"]]],
    ["broken-truncated.x12", [["truncated", 28, "SE"]]],
  ];
  for (const [file, expected] of broken) {
    it(`${file} fails with ${expected.map((e) => e[2]).join(", ")} at the right segment`, async () => {
      const { errors } = await runFile(file);
      expect(errors.map((e) => [e.code, e.line, e.field])).to.deep.equal(expected);
    });
  }

  it("takes no account number from an RMR whose qualifier the mapping does not list, and says so", async () => {
    const text = readFileSync(path.join(DIR, "normal-day.x12"), "latin1").replace(
      "RMR*IK*745678901",
      "RMR*ZZ*745678901",
    );
    const { items } = await drain(adapter.parse(Readable.from([text]), mapping, { name: "x", aggregator: "x12-820" }));
    expect(drafts(items)[4].accountRaw).to.equal(null);
    expect(items.find((i) => i.kind === "warning" && i.code === "unexpected_rmr_qualifier")).to.include({
      line: 33,
      field: "RMR01",
    });
  });

  it("warns when N1*PE names another payee, and never rejects the money for it", async () => {
    const text = readFileSync(path.join(DIR, "version-4010.x12"), "latin1").replace(
      "N1|PE|MA HEALTH CONNECTOR",
      "N1|PE|SOMEONE ELSE",
    );
    const { items, errors } = await drain(
      adapter.parse(Readable.from([text]), mapping, { name: "x", aggregator: "x12-820" }),
    );
    expect(errors).to.deep.equal([]);
    expect(drafts(items)).to.have.length(2);
    expect(items.find((i) => i.kind === "warning" && i.code === "payee_mismatch")).to.include({ field: "N102" });
  });

  it("a negative RMR04 is a reversal of that magnitude", async () => {
    const text = readFileSync(path.join(DIR, "version-4010.x12"), "latin1")
      .replace("BPR|C|379.99", "BPR|C|320.01")
      .replace("RMR|11|767890124||29.99", "RMR|11|767890124||-29.99");
    const { items, errors } = await drain(
      adapter.parse(Readable.from([text]), mapping, { name: "x", aggregator: "x12-820" }),
    );
    expect(errors).to.deep.equal([]);
    expect(drafts(items)[1]).to.include({ kind: "reversal", amountCents: 2999 });
  });

  it("sniffs an 820 interchange and nothing else", () => {
    expect(adapter.sniff?.(readFileSync(path.join(DIR, "normal-day.x12")).subarray(0, 512))).to.equal(true);
    expect(adapter.sniff?.(readFileSync(path.join(DIR, "version-4010.x12")).subarray(0, 512))).to.equal(true);
    expect(adapter.sniff?.(Buffer.from("01,BANK,RCV,240322,0600,1,,,2/"))).to.equal(false);
  });

  it("mapping: unknown keys, a bad pattern and an unknown balance mode fail when it loads, and every key is described", () => {
    const base = { version: 1, adapter: "x12-820" };
    expect(X12Mapping.safeParse({ ...base, accountQualifier: ["11"] }).success).to.equal(false);
    expect(
      X12Mapping.safeParse({ ...base, planType: { refQualifiers: ["18"], health: "(", dental: "D" } }).success,
    ).to.equal(false);
    expect(X12Mapping.safeParse({ ...base, adjustmentBalance: "some" }).success).to.equal(false);
    for (const [key, schema] of Object.entries(X12Mapping.shape)) expect(schema.description, key).to.be.a("string");
  });
});
