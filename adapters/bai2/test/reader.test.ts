import { Readable } from "node:stream";
import { expect } from "chai";
import { createReadStream } from "node:fs";
import path from "node:path";
import { readBai2, type Bai2Event } from "../reader";
import { drain } from "../../../test/support/drain";

/** moov-io/bai2's public samples (fixtures/public/README.md). */
const MOOV = path.join(__dirname, "fixtures", "public");
const where = (errors: { code: string; line: number; field: string | null }[]) =>
  errors.map((e) => [e.code, e.line, e.field]);
const controls = (events: Bai2Event[]) =>
  events.flatMap((e) =>
    e.type === "control"
      ? [[e.scope, e.line, e.declared.totalCents, e.declared.count, e.parsed.totalCents, e.parsed.count]]
      : [],
  );

/** A small, balanced file: 03 amounts 100 + 16 amounts 250 + 50 = 400; each trailer counts right. */
const GOOD = [
  "01,BANK,PAYEE,240321,0600,1,,,2/",
  "02,PAYEE,BANK,1,240320,2400,USD,2/",
  "03,5550001234,USD,010,+100,,/",
  "16,116,250,V,240320,,LBX1,712345678,CHECK 1/",
  "16,555,50,0,RTN1,,RETURNED",
  "88,NSF/",
  "49,400,5/",
  "98,400,1,7/",
  "99,400,1,9/",
];
const run = (lines: string[]) => drain(readBai2(Readable.from([lines.join("\n")])));
const edit = (i: number, line: string) => GOOD.map((l, k) => (k === i ? line : l));

describe("bai2 reader", () => {
  it("reads a balanced file: events in order, declared figures beside parsed ones", async () => {
    const { items, errors } = await run(GOOD);
    expect(errors).to.deep.equal([]);
    expect(items.map((e) => e.type)).to.deep.equal([
      "file",
      "group",
      "account",
      "detail",
      "detail",
      "control",
      "control",
      "control",
    ]);
    expect(controls(items)).to.deep.equal([
      ["account", 7, 400, 5, 400, 5],
      ["group", 8, 400, 7, 400, 7],
      ["file", 9, 400, 9, 400, 9],
    ]);
    const detail = items[4];
    expect(detail).to.deep.include({ type: "detail", line: 5, raw: "16,555,50,0,RTN1,,RETURNED/\n88,NSF/" });
  });

  describe("each control mismatch names the trailer's line and field, with both figures", () => {
    const cases: [string, string[], [string, number, string]][] = [
      ["49 account control total", edit(6, "49,401,5/"), ["control_total_mismatch", 7, "49.accountControlTotal"]],
      ["49 number of records", edit(6, "49,400,4/"), ["count_mismatch", 7, "49.numberOfRecords"]],
      ["98 group control total", edit(7, "98,399,1,7/"), ["control_total_mismatch", 8, "98.groupControlTotal"]],
      ["98 number of accounts", edit(7, "98,400,2,7/"), ["count_mismatch", 8, "98.numberOfAccounts"]],
      ["98 number of records", edit(7, "98,400,1,8/"), ["count_mismatch", 8, "98.numberOfRecords"]],
      ["99 file control total", edit(8, "99,-400,1,9/"), ["control_total_mismatch", 9, "99.fileControlTotal"]],
      ["99 number of groups", edit(8, "99,400,2,9/"), ["count_mismatch", 9, "99.numberOfGroups"]],
      ["99 number of records", edit(8, "99,400,1,8/"), ["count_mismatch", 9, "99.numberOfRecords"]],
    ];
    for (const [name, lines, expected] of cases) {
      it(name, async () => {
        expect(where((await run(lines)).errors)).to.deep.equal([expected]);
      });
    }

    it("the message says what was declared and what was computed", async () => {
      const { errors } = await run(edit(6, "49,401,5/"));
      expect(errors[0].message).to.equal(
        "49 account control total declares 401; the 03 and 16 amounts of the account from line 3 sum to 400",
      );
    });
  });

  describe("structure", () => {
    it("a file cut before its trailers is truncated, naming the trailer it lacks", async () => {
      expect(where((await run(GOOD.slice(0, 5))).errors)).to.deep.equal([["truncated", 5, "49"]]);
      expect(where((await run(GOOD.slice(0, 8))).errors)).to.deep.equal([["truncated", 8, "99"]]);
    });

    it("a file that does not start with 01 fails at once, with one error", async () => {
      expect(where((await run(GOOD.slice(1))).errors)).to.deep.equal([["out_of_place", 1, "recordCode"]]);
    });

    it("a 16 outside an account is out of place", async () => {
      const lines = [...GOOD.slice(0, 2), "16,116,1,0,,,/", ...GOOD.slice(2)];
      expect(where((await run(lines)).errors)).to.deep.include(["out_of_place", 3, "recordCode"]);
    });

    it("a bad field is reported and its account's total is not compared (no cascade of mismatches)", async () => {
      const { errors } = await run(edit(3, "16,116,2x0,V,240320,,LBX1,712345678,CHECK 1/"));
      expect(where(errors)).to.deep.equal([["invalid_amount", 4, "16.amount"]]);
    });
  });

  describe("the public moov-io samples", () => {
    const balanced: [string, number, number][] = [
      // file, number of 49 trailers, 99 total
      ["sample1.txt", 2, 1280000],
      ["sample2.txt", 5, 345450000],
      ["sample3.txt", 15, 2508440],
    ];
    for (const [file, accounts, total] of balanced) {
      it(`${file} parses with every control checked and equal`, async () => {
        const { items, errors } = await drain(readBai2(createReadStream(path.join(MOOV, file))));
        expect(errors).to.deep.equal([]);
        const c = controls(items);
        expect(c.filter((x) => x[0] === "account")).to.have.length(accounts);
        expect(c.every((x) => x[2] === x[4] && x[3] === x[5])).to.equal(true);
        expect(c.at(-1)?.[2]).to.equal(total);
      });
    }

    // Checked by hand: account 107049932 (03 on line 5) has 03 amounts 6865898 + 1912 + 0 and 16
    // amounts 60000 + 143500 + 928650 = 7999960 over 18 records (03, three 16s, eleven 88s, 49);
    // its 49 says -1260161341762 and 26. The next account's 49 says 6869722 / 8 for 88 records.
    // The 98 counts 4 accounts where there are 5; its total equals the first and third 49s only.
    const sample4: [string, number, string][] = [
      ["control_total_mismatch", 22, "49.accountControlTotal"],
      ["count_mismatch", 22, "49.numberOfRecords"],
      ["control_total_mismatch", 110, "49.accountControlTotal"],
      ["count_mismatch", 110, "49.numberOfRecords"],
      ["control_total_mismatch", 115, "98.groupControlTotal"],
      ["count_mismatch", 115, "98.numberOfAccounts"],
      ["count_mismatch", 115, "98.numberOfRecords"],
      ["control_total_mismatch", 116, "99.fileControlTotal"],
      ["count_mismatch", 116, "99.numberOfRecords"],
    ];

    it("sample4 reads through its newline-delimited continuations and fails on its wrong trailers", async () => {
      const { items, errors } = await drain(
        readBai2(createReadStream(path.join(MOOV, "sample4-continuations-newline-delimited.txt"))),
      );
      expect(where(errors)).to.deep.equal(sample4);
      expect(errors[0].message).to.equal(
        "49 account control total declares -1260161341762; the 03 and 16 amounts of the account from line 5 sum to 7999960",
      );
      expect(errors[1].message).to.contain(
        "declares 26; the account has, from its 03 through this 49 (88s included), 18",
      );
      expect(items.filter((e) => e.type === "detail")).to.have.length(17);
    });

    it("sample5 also flags its malformed '88:' line and keeps the / inside texts", async () => {
      const { items, errors } = await drain(readBai2(createReadStream(path.join(MOOV, "sample5-issue113.txt"))));
      expect(where(errors).slice(0, 3)).to.deep.equal([
        ...sample4.slice(0, 2),
        ["malformed_record_code", 63, "recordCode"],
      ]);
      expect(
        where(errors)
          .slice(3)
          .map((e) => e[2]),
      ).to.deep.equal(sample4.slice(2).map((e) => e[2]));
      const ab = items.find((e) => e.type === "detail" && e.detail.customerReference?.startsWith("AB/"));
      expect(ab).to.deep.nested.include({ "detail.customerReference": "AB/GS/RPFILERP0001/RPBA0001" });
    });
  });
});
