import { expect } from "chai";
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { adapter } from "..";
import { Bai2Mapping } from "../mapping";
import type { ParsedItem } from "../../../src/adapter-kit/adapter";
import { loadAggregatorMapping } from "../../../src/config/mapping-loader";
import type { BankEntryDraft, PaymentDraft } from "../../../src/model";
import { SAMPLES_DIR } from "../../../src/paths";
import { drain } from "../../../test/support/drain";

const DIR = path.join(SAMPLES_DIR, "bai2");
/** moov-io/bai2's public samples (fixtures/public/README.md). */
const MOOV = path.join(__dirname, "fixtures", "public");
const mapping = loadAggregatorMapping("bai2").mapping as Bai2Mapping;
const parse = (input: Readable, m: Bai2Mapping = mapping) =>
  drain(adapter.parse(input, m, { name: "x.bai", aggregator: "bai2" }));
const drafts = (items: ParsedItem[]): (PaymentDraft & { line: number })[] =>
  items.flatMap((i) => (i.kind === "payment" ? [{ ...i.draft, line: i.line }] : []));
const entries = (items: ParsedItem[]): (BankEntryDraft & { line: number })[] =>
  items.flatMap((i) => (i.kind === "bank_entry" ? [{ ...i.entry, line: i.line }] : []));

describe("bai2 adapter", () => {
  it("reads lockbox-day.bai: 116 items become payments by check with the account where the mapping says", async () => {
    const { items, errors } = await parse(createReadStream(path.join(DIR, "lockbox-day.bai")));
    expect(errors).to.deep.equal([]);
    expect(
      drafts(items).map((p) => [
        p.line,
        p.kind,
        p.method,
        p.sourceRef,
        p.amountCents,
        p.accountRaw,
        p.payerName,
        p.settledOn,
      ]),
    ).to.deep.equal([
      [6, "payment", "check", "LBX0321-001", 41250, "712345678", "RIVERA ANA", "2024-03-21"],
      [7, "payment", "check", "LBX0321-002", 3820, "7234-567-89", "RIVERA ANA", "2024-03-21"],
      [8, "payment", "check", "LBX0321-003", 25575, "987-65-4321", "NGUYEN LINH", "2024-03-21"],
      [9, "payment", "check", "LBX0321-004", 19800, "745 678 901", "BROWN SAMUEL", "2024-03-21"],
    ]);
  });

  it("keeps the deposit, ACH and wire credits and every debit as bank entries, and skips other type codes", async () => {
    const { items } = await parse(createReadStream(path.join(DIR, "lockbox-day.bai")));
    expect(
      entries(items).map((e) => [e.line, e.direction, e.typeCode, e.amountCents, e.bookedOn, e.valueOn]),
    ).to.deep.equal([
      [5, "credit", "115", 90445, "2024-03-21", "2024-03-21"],
      [11, "debit", "555", 3820, "2024-03-21", null],
      [14, "credit", "165", 275632, "2024-03-21", null],
      [15, "credit", "142", 104755, "2024-03-21", null],
      [16, "credit", "195", 50000, "2024-03-21", null],
      [18, "debit", "451", 1250, "2024-03-21", null],
    ]);
    // The RPPS file normal-day.ach settles batch 1 (275,632 cents, effective 2024-03-21) by this 165.
    expect(entries(items)[2]).to.include({ customerRef: "RPPS 9001234567", bankAccount: "5550009876" });
    expect(entries(items)[4].text).to.equal("INCOMING WIRE FROM BAY STATE CREDIT UNION PREMIUM REMITTANCE");
  });

  it("CRLF and LF give the same items", async () => {
    const crlf = readFileSync(path.join(DIR, "lockbox-day.bai"), "latin1");
    const a = await parse(Readable.from([crlf]));
    const b = await parse(Readable.from([crlf.replace(/\r\n/g, "\n")]));
    expect(b.items).to.deep.equal(a.items);
  });

  it("warns when a lockbox deposit's items do not add up to it", async () => {
    const text = readFileSync(path.join(DIR, "lockbox-day.bai"), "latin1")
      .replace("16,116,3820,", "16,116,3821,")
      .replace("49,3046490,10/", "49,3046491,10/")
      .replace(/9[89],5361401,/g, (m) => m.replace("5361401", "5361402"));
    const { items, errors } = await parse(Readable.from([text]));
    expect(errors).to.deep.equal([]);
    expect(items.filter((i) => i.kind === "warning")).to.deep.equal([
      {
        kind: "warning",
        code: "lockbox_deposit_mismatch",
        line: 5,
        field: "16.amount",
        message: "lockbox deposit of 90445 cents is followed by 4 item(s) totalling 90446 cents",
      },
    ]);
  });

  it("a mapping can take the account from the text only, with a pattern", async () => {
    const m = Bai2Mapping.parse({
      version: 1,
      adapter: "bai2",
      lockbox: { account: [{ from: "text", pattern: "CHECK (\\d+)" }] },
    });
    const { items } = await parse(createReadStream(path.join(DIR, "lockbox-day.bai")), m);
    expect(drafts(items).map((p) => p.accountRaw)).to.deep.equal(["1041", "220", "5512", "318"]);
  });

  const broken: [string, [string, number, string][]][] = [
    ["broken-account-total.bai", [["control_total_mismatch", 12, "49.accountControlTotal"]]],
    ["broken-file-record-count.bai", [["count_mismatch", 22, "99.numberOfRecords"]]],
    ["broken-truncated.bai", [["truncated", 14, "49"]]],
  ];
  for (const [file, expected] of broken) {
    it(`${file} fails on ${expected[0][2]} at line ${expected[0][1]}`, async () => {
      const { errors } = await parse(createReadStream(path.join(DIR, file)));
      expect(errors.map((e) => [e.code, e.line, e.field])).to.deep.equal(expected);
    });
  }

  it("reads every public moov-io sample: 1–3 balance, 4 and 5 fail on their trailers", async () => {
    const verdicts: Record<string, string> = {};
    for (const file of readdirSync(MOOV)
      .filter((f) => f.endsWith(".txt"))
      .sort()) {
      const { items, errors } = await parse(createReadStream(path.join(MOOV, file)));
      verdicts[file] = errors.length
        ? `${errors[0].code}@${errors[0].line}:${errors[0].field}`
        : `ok ${items.filter((i) => i.kind === "bank_entry").length}`;
    }
    expect(verdicts).to.deep.equal({
      "sample1.txt": "ok 12",
      "sample2.txt": "ok 3",
      "sample3.txt": "ok 26",
      "sample4-continuations-newline-delimited.txt": "control_total_mismatch@22:49.accountControlTotal",
      "sample5-issue113.txt": "control_total_mismatch@22:49.accountControlTotal",
    });
  });

  it("sniffs a BAI2 file and not an X12 one", () => {
    expect(adapter.sniff?.(readFileSync(path.join(DIR, "lockbox-day.bai")))).to.equal(true);
    expect(adapter.sniff?.(readFileSync(path.join(MOOV, "sample3.txt")))).to.equal(true);
    expect(adapter.sniff?.(readFileSync(path.join(SAMPLES_DIR, "x12-820", "normal-day.x12")))).to.equal(false);
  });

  it("mapping: unknown keys, bad type codes and bad patterns fail when it loads, and every key is described", () => {
    const base = { version: 1, adapter: "bai2" };
    expect(Bai2Mapping.safeParse({ ...base, bankCredit: ["165"] }).success).to.equal(false);
    expect(Bai2Mapping.safeParse({ ...base, bankCredits: ["16"] }).success).to.equal(false);
    expect(
      Bai2Mapping.safeParse({ ...base, lockbox: { account: [{ from: "text", pattern: "([" }] } }).success,
    ).to.equal(false);
    for (const [key, schema] of Object.entries(Bai2Mapping.shape)) expect(schema.description, key).to.be.a("string");
  });
});
