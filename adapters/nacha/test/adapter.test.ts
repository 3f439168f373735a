import { expect } from "chai";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { adapter } from "..";
import type { NachaMapping } from "../mapping";
import { writeRppsFile } from "../generate";
import type { ParsedItem } from "../../../src/adapter-kit/adapter";
import { loadAggregatorMapping, loadMappingFile } from "../../../src/config/mapping-loader";
import type { PaymentDraft } from "../../../src/model";
import { SAMPLES_DIR } from "../../../src/paths";
import { batch, fileLines, joinLines } from "./helpers";
import { drain } from "../../../test/support/drain";
import { windows1252 } from "../../../test/support/windows-1252";

/** moov-io/ach's public files (fixtures/public/README.md). */
const EXTERNAL = path.join(__dirname, "fixtures", "public");
const RPPS: NachaMapping = { version: 1, adapter: "nacha", profile: "rpps" };
const STRICT: NachaMapping = { version: 1, adapter: "nacha", profile: "strict" };

function run(input: Readable, mapping: NachaMapping) {
  return drain(adapter.parse(input, mapping, { name: "test.ach", aggregator: "test" }));
}
const runFile = (file: string, mapping: NachaMapping) => run(createReadStream(file), mapping);
const drafts = (items: ParsedItem[]): (PaymentDraft & { line: number })[] =>
  items.flatMap((i) => (i.kind === "payment" ? [{ ...i.draft, line: i.line }] : []));

describe("nacha adapter: the public moov-io samples", () => {
  // [file, kinds of its payments in order, controls (batches + file), strict verdict]
  const expected: [string, string[], number, string[]][] = [
    ["FISERV-ZEROFILE-PIMRET825324_032720_110221.ach", [], 1, ["short_line", "invalid_field", "short_line"]],
    ["NACHA_SAMPLE_TEL_REVERSAL.ach", ["reversal", "reversal"], 2, []],
    ["cie-credit.ach", ["payment"], 2, ["short_line"]],
    ["contested-return.ach", ["return"], 2, ["invalid_effective_date"]],
    ["cor-example.ach", ["noc"], 2, ["invalid_effective_date"]],
    ["return-WEB.ach", ["return", "return"], 3, []],
  ];
  for (const [name, kinds, controls, strictCodes] of expected) {
    it(`${name} parses under rpps to ${kinds.length ? kinds.join(", ") : "no payments"}`, async () => {
      const { items, errors } = await runFile(path.join(EXTERNAL, name), RPPS);
      expect(errors).to.deep.equal([]);
      expect(drafts(items).map((d) => d.kind)).to.deep.equal(kinds);
      expect(items.filter((i) => i.kind === "control")).to.have.length(controls);
      expect(items[0].kind).to.equal("header");
      for (const c of items) if (c.kind === "control") expect(c.declared.count).to.equal(c.parsed.count);
    });
    it(`${name} under strict: ${strictCodes.length ? strictCodes.join(", ") : "accepted"}`, async () => {
      const { errors } = await runFile(path.join(EXTERNAL, name), STRICT);
      expect(errors.map((e) => e.code)).to.deep.equal(strictCodes);
    });
  }

  it("cie-credit.ach reads its run-over name with the CIE layout: the 'account' is text, left for the rules to call invalid", async () => {
    const [d] = drafts((await runFile(path.join(EXTERNAL, "cie-credit.ach"), RPPS)).items);
    expect(d).to.include({
      payerName: "Receiver Accoun",
      accountRaw: "t Name",
      amountCents: 100000000,
      settledOn: "2019-08-16",
    });
    expect(d.details).to.deep.include({
      secCode: "CIE",
      addenda: [{ type: "05", text: "Credit Store Account", sequence: "0001" }],
    });
  });

  it("return-WEB.ach: returns carry the reason code and the original trace", async () => {
    const ds = drafts((await runFile(path.join(EXTERNAL, "return-WEB.ach"), RPPS)).items);
    expect(ds.map((d) => [d.reasonCode, d.originalRef, d.amountCents, d.sourceRef, d.payerName])).to.deep.equal([
      ["R01", "091400600000001", 12354, "091000017611242", "Paul Jones"],
      ["R03", "091400600000003", 4565, "021000029461242", "Bob Marley"],
    ]);
  });

  it("cor-example.ach: a NOC keeps its change code, original trace and corrected data, and settles on the creation date", async () => {
    const [d] = drafts((await runFile(path.join(EXTERNAL, "cor-example.ach"), RPPS)).items);
    expect(d).to.include({
      kind: "noc",
      reasonCode: "C01",
      originalRef: "121042880000001",
      amountCents: 0,
      settledOn: "2019-08-29",
    });
    expect(d.details).to.include({ correctedData: "1918171614", effectiveDateMissing: true });
  });

  it("the Fiserv zero file has a header identity with an empty modifier and declares zero everything", async () => {
    const { items } = await runFile(path.join(EXTERNAL, "FISERV-ZEROFILE-PIMRET825324_032720_110221.ach"), RPPS);
    expect(items.map((i) => i.kind)).to.deep.equal(["header", "control"]);
    expect(items[0]).to.include({ identity: "182327390|200327|1043|" });
    expect(items[1]).to.deep.include({ scope: "file", declared: { count: 0, totalCents: 0, hash: "0" } });
  });
});

describe("nacha adapter: text beyond ASCII (UTF-8, else Windows-1252)", () => {
  const rppsMapping = () => loadAggregatorMapping("rpps").mapping as NachaMapping;
  const codesAt = (errors: { code: string; line: number }[]) => errors.map((e) => `${e.code}@${e.line}`);

  // moov's two nonascii files are one CTX file in two encodings. Its file control declares 1 entry
  // and addenda record and 1 block where its batch control declares 13 records: that, and nothing
  // about their text, is why both are refused.
  it("nonascii.ach (Windows-1252) and nonascii-utf8.ach read to the same entry, refused only for moov's file control", async () => {
    const results = await Promise.all(
      ["nonascii.ach", "nonascii-utf8.ach"].map((f) => runFile(path.join(EXTERNAL, f), rppsMapping())),
    );
    for (const { errors } of results) {
      expect(codesAt(errors)).to.deep.equal(["file_block_count_mismatch@17", "file_entry_count_mismatch@17"]);
    }
    const [cp1252, utf8] = results.map((r) => drafts(r.items));
    expect(utf8).to.deep.equal(cp1252);
    expect(utf8.map((d) => d.kind)).to.deep.equal(["reversal"]);
    // CTX keeps its addenda count (0012) in positions 55-58, read here as the start of the name.
    expect(utf8[0].payerName).to.equal("0012Receiver¦Acc Name");
    const addenda = utf8[0].details?.addenda as { text: string }[];
    expect(addenda).to.have.length(12);
    expect(addenda[0].text).to.match(/^ISA¦00¦ {10}¦00¦/);
    for (const line of utf8[0].raw.split("\n")) expect(line).to.have.length(94);
  });

  it("extended-ascii.ach (UTF-8): accepted, and the one accented name keeps its letter", async () => {
    const { items, errors } = await runFile(path.join(EXTERNAL, "extended-ascii.ach"), rppsMapping());
    expect(errors).to.deep.equal([]);
    const ds = drafts(items);
    expect(ds.map((d) => d.kind)).to.deep.equal(["payment", "payment", "reversal", "payment", "payment", "reversal"]);
    expect(ds.map((d) => d.payerName)).to.deep.equal([...Array(5).fill("Distracted Austin"), "Distracted Aużtin"]);
    expect(ds[5]).to.include({
      line: 15,
      amountCents: 44,
      accountRaw: "34e5b6f1cf14232",
      sourceRef: "121042889211558",
    });
  });

  const accented = () =>
    joinLines(
      fileLines({
        batches: [
          batch({
            entries: [
              { amountCents: 31245, name: "ALVAREZ MARÍA", account: "7123-456-78", note: "PAGO PRIMA SEÑORA ALVAREZ" },
              { amountCents: 5000, name: "ŠTASTNÝ ŒUVRE", account: "712345679" },
            ],
          }),
        ],
      }),
      "\r\n",
    );

  it("a UTF-8 file and a Windows-1252 file with the same accented names post the same payments", async () => {
    const results = await Promise.all(
      [Buffer.from(accented(), "utf8"), windows1252(accented())].map((bytes) =>
        run(Readable.from([bytes]), rppsMapping()),
      ),
    );
    for (const { errors } of results) expect(errors).to.deep.equal([]);
    const [utf8, cp1252] = results.map((r) => drafts(r.items));
    expect(cp1252).to.deep.equal(utf8);
    expect(utf8.map((d) => [d.payerName, d.accountRaw, d.amountCents, d.sourceRef])).to.deep.equal([
      ["ALVAREZ MARÍA", "7123-456-78", 31245, "999900010000001"],
      ["ŠTASTNÝ ŒUVRE", "712345679", 5000, "999900010000002"],
    ]);
    expect(utf8[0].details).to.deep.include({
      addenda: [{ type: "05", text: "PAGO PRIMA SEÑORA ALVAREZ", sequence: "0001" }],
    });
  });

  it("counts a record in characters: 94 characters of UTF-8 are 95 bytes and no long_line, 95 characters are", async () => {
    const lines = fileLines({
      batches: [batch({ entries: [{ amountCents: 100, name: "ALVAREZ MARÍA", account: "712345678" }] })],
    });
    expect(Buffer.byteLength(lines[2])).to.equal(95);
    expect((await run(Readable.from([Buffer.from(joinLines(lines))]), STRICT)).errors).to.deep.equal([]);
    const long = lines.map((l, i) => (i === 2 ? `${l}É` : l));
    expect(codesAt((await run(Readable.from([Buffer.from(joinLines(long))]), STRICT)).errors)).to.deep.equal([
      "long_line@3",
    ]);
  });

  it("refuses a file that turns from UTF-8 to Windows-1252 part way, on the line that does", async () => {
    const lines = fileLines({
      batches: [
        batch({
          entries: [
            { amountCents: 100, name: "ALVAREZ MARÍA", account: "712345678" },
            { amountCents: 200, name: "MUÑOZ", account: "712345679" },
          ],
        }),
      ],
    });
    const bytes = Buffer.concat([Buffer.from(joinLines(lines.slice(0, 3))), windows1252(joinLines(lines.slice(3)))]);
    const { errors } = await run(Readable.from([bytes]), STRICT);
    expect(codesAt(errors)).to.deep.equal(["invalid_encoding@4"]);
    expect(errors[0].message).to.include("not valid UTF-8");
  });

  it("reads a UTF-8 file that starts with a byte order mark, and recognises it", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(accented())]);
    expect(adapter.sniff?.(bytes.subarray(0, 64))).to.equal(true);
    const { items, errors } = await run(Readable.from([bytes]), STRICT);
    expect(errors).to.deep.equal([]);
    expect(items[0]).to.include({ kind: "header", line: 1 });
    expect(drafts(items).map((d) => d.payerName)).to.deep.equal(["ALVAREZ MARÍA", "ŠTASTNÝ ŒUVRE"]);
  });
});

describe("nacha adapter: RPPS sample files", () => {
  it("normal-day.ach: batches of payments, a prenote, two reversals, a return and a NOC; money only where money moved", async () => {
    const { items, errors } = await runFile(
      path.join(SAMPLES_DIR, "rpps", "normal-day.ach"),
      loadAggregatorMapping("rpps").mapping as NachaMapping,
    );
    expect(errors).to.deep.equal([]);
    const ds = drafts(items);
    const count = (kind: string) => ds.filter((d) => d.kind === kind).length;
    expect(ds.length).to.be.at.least(25);
    expect([count("payment"), count("prenote"), count("reversal"), count("return"), count("noc")]).to.deep.equal([
      26, 1, 2, 1, 1,
    ]);
    for (const d of ds.filter((x) => x.kind === "prenote" || x.kind === "noc")) expect(d.amountCents).to.equal(0);
    expect(new Set(ds.map((d) => d.sourceRef)).size).to.equal(ds.length);
    expect(ds.map((d) => d.accountRaw)).to.include.members(["7123-456-78", "7123 456 81", "123-45-6789", "712345680"]);
    const first = ds[0];
    expect(first.details).to.include({
      billerId: "9001234567",
      secCode: "CIE",
      entryDescription: "RPSPAYMENT",
      batchNumber: "0000001",
    });
    expect(first).to.include({ initiatedOn: "2024-03-15", settledOn: "2024-03-21", sourceRef: "999900010000001" });
    expect(first.raw).to.have.length(94);
    const reversal = ds.find((d) => d.kind === "reversal");
    expect(reversal?.details).to.include({ entryDescription: "REVERSAL", direction: "debit" });
    const ret = ds.find((d) => d.kind === "return");
    expect(ret).to.include({ reasonCode: "R22", originalRef: "999900020000117" });
    expect(ret?.raw.split("\n")).to.have.length(2);
    const noc = ds.find((d) => d.kind === "noc");
    expect(noc).to.include({ reasonCode: "C09" });
    expect(noc?.details).to.include({ correctedData: "712345699" });
  });

  it("normal-day.ach is refused under strict only for what RPPS leaves blank: hashes, block count, receiving DFIs", async () => {
    const { errors } = await runFile(path.join(SAMPLES_DIR, "rpps", "normal-day.ach"), STRICT);
    expect([...new Set(errors.map((e) => e.field))].sort()).to.deep.equal(["blockCount", "entryHash", "receivingDfi"]);
  });

  const broken: [string, [string, number, string | null][]][] = [
    ["broken-batch-total.ach", [["batch_credit_total_mismatch", 15, "totalCredits"]]],
    ["broken-entry-count.ach", [["batch_entry_count_mismatch", 25, "entryAddendaCount"]]],
    ["broken-short-line.ach", [["invalid_field", 8, "traceNumber"]]],
  ];
  for (const [name, expectedErrors] of broken) {
    it(`${name} is refused with ${expectedErrors.map((e) => `${e[0]} on line ${e[1]}`).join(", ")}`, async () => {
      const { errors } = await runFile(path.join(SAMPLES_DIR, "rpps", name), RPPS);
      expect(errors.map((e) => [e.code, e.line, e.field])).to.deep.equal(expectedErrors);
    });
  }

  it("broken-short-line.ach under strict names the 93-character line itself", async () => {
    const { errors } = await runFile(path.join(SAMPLES_DIR, "rpps", "broken-short-line.ach"), STRICT);
    expect(errors.map((e) => [e.code, e.line])).to.deep.include.members([["short_line", 8]]);
  });

  it("broken-truncated.ach is refused: the open batch lacks its control and the file its file control", async () => {
    const { errors } = await runFile(path.join(SAMPLES_DIR, "rpps", "broken-truncated.ach"), RPPS);
    expect(errors.map((e) => e.code)).to.include.members(["missing_batch_control", "missing_file_control"]);
  });

  it("zero-entry.ach gives a header and a file control of zero, and no payments", async () => {
    const { items, errors } = await runFile(path.join(SAMPLES_DIR, "rpps", "zero-entry.ach"), RPPS);
    expect(errors).to.deep.equal([]);
    expect(items.map((i) => i.kind)).to.deep.equal(["header", "control"]);
  });
});

describe("nacha adapter: contract", () => {
  it("the shipped mappings load: rpps with the rpps profile, nacha-strict with strict", () => {
    expect(loadAggregatorMapping("rpps").mapping).to.include({ adapter: "nacha", profile: "rpps" });
    expect(loadAggregatorMapping("nacha-strict").mapping).to.include({ adapter: "nacha", profile: "strict" });
  });

  it("a mapping with an unknown profile or leniency fails when it loads, naming the key", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nacha-mapping-"));
    try {
      const file = path.join(dir, "x.yaml");
      writeFileSync(file, "version: 1\nadapter: nacha\nprofile: rpps\nleniencies: { allowBlankEverything: true }\n");
      expect(() => loadMappingFile(file)).to.throw(/leniencies/);
      writeFileSync(file, "version: 1\nadapter: nacha\nprofile: lax\n");
      expect(() => loadMappingFile(file)).to.throw(/profile/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("recognises a NACHA file by its first bytes and nothing else", () => {
    expect(adapter.sniff?.(readFileSync(path.join(EXTERNAL, "cie-credit.ach")).subarray(0, 64))).to.equal(true);
    expect(adapter.sniff?.(Buffer.from("ISA*00*          *00*          *ZZ*SENDER"))).to.equal(false);
  });

  it("a zero-dollar remittance entry becomes a warning, not a payment", async () => {
    const text = joinLines(
      fileLines({
        batches: [batch({ entries: [{ transactionCode: "24", amountCents: 0, name: "A", account: "712345678" }] })],
      }),
    );
    const { items, errors } = await run(Readable.from([text]), STRICT);
    expect(errors).to.deep.equal([]);
    expect(items.map((i) => i.kind)).to.deep.equal(["header", "warning", "control", "control"]);
    expect(items[1]).to.include({ code: "zero_dollar_entry", line: 3 });
  });

  it("writeRppsFile writes a streaming benchmark file that parses under strict to the totals it reports", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nacha-gen-"));
    try {
      const file = path.join(dir, "bench.ach");
      const written = await writeRppsFile(file, 12_345);
      const { items, errors } = await runFile(file, STRICT);
      expect(errors).to.deep.equal([]);
      const ds = drafts(items);
      expect(ds).to.have.length(written.entries).and.to.have.length(12_345);
      expect(ds.reduce((s, d) => s + d.amountCents, 0)).to.equal(written.totalCents);
      const fileControl = items.find((i) => i.kind === "control" && i.scope === "file");
      expect(fileControl).to.deep.include({
        declared: {
          count: 12_345,
          totalCents: written.totalCents,
          hash: (fileControl as { parsed: { hash: string } }).parsed.hash,
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
