import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { amplify as amplify053 } from "../../adapters/camt053/conformance";
import { amplify as amplify054 } from "../../adapters/camt054/conformance";
import { amplify as amplifyNacha } from "../../adapters/nacha/conformance";
import type { FormatError } from "../../src/formats/format-error";
import type { ParsedItem } from "../../src/ingest/adapter";
import { loadAggregatorMapping, type LoadedMapping } from "../../src/ingest/mapping-loader";
import { SAMPLES_DIR } from "../../src/paths";
import { chunks } from "../conformance/parse-in-memory";
import { fileLines, joinLines } from "../formats/nacha/helpers";
import { drain } from "../support/drain";

const FACTOR = 100;

type Amplify = (sample: Buffer, factor: number) => Buffer | null;

/** Every item of a parse, or the FormatErrors that ended it (anything else thrown fails the test). */
function parsed(loaded: LoadedMapping, bytes: Buffer): Promise<{ items: ParsedItem[]; errors: FormatError[] }> {
  return drain(loaded.adapter.parse(chunks(bytes, 16 * 1024), loaded.mapping, { name: "amplified", aggregator: loaded.aggregator }));
}

const count = (items: ParsedItem[], kind: ParsedItem["kind"]) => items.filter((i) => i.kind === kind).length;
const warningCodes = (items: ParsedItem[]) => new Set(items.flatMap((i) => (i.kind === "warning" ? [i.code] : [])));

/** A clean sample amplified FACTOR times: clean too, FACTOR times the records, every control agreeing, no new kind of warning. */
async function expectCleanAmplification(loaded: LoadedMapping, sample: Buffer, amplify: Amplify): Promise<ParsedItem[]> {
  const before = await parsed(loaded, sample);
  expect(before.errors, "the sample itself").to.deep.equal([]);
  const big = amplify(sample, FACTOR);
  expect(big, "amplify gave up on the sample").to.not.equal(null);
  const after = await parsed(loaded, big!);
  expect(after.errors.map((e) => `${e.code} line ${e.line} ${e.field ?? ""}: ${e.message}`)).to.deep.equal([]);
  for (const kind of ["payment", "bank_entry"] as const) {
    expect(count(after.items, kind), `${kind} items`).to.equal(FACTOR * count(before.items, kind));
  }
  expect(count(before.items, "payment") + count(before.items, "bank_entry"), "the sample has records").to.be.greaterThan(0);
  const controls = after.items.filter((i) => i.kind === "control");
  expect(controls).to.not.be.empty;
  for (const c of controls) {
    if (c.kind !== "control") continue;
    if (c.declared.count !== null) expect(c.parsed.count, `${c.scope} count`).to.equal(c.declared.count);
    if (c.declared.totalCents !== null) expect(c.parsed.totalCents, `${c.scope} total`).to.equal(c.declared.totalCents);
  }
  expect([...warningCodes(after.items)].filter((code) => !warningCodes(before.items).has(code))).to.deep.equal([]);
  return after.items;
}

const sampleOf = (aggregator: string, name: string) => readFileSync(path.join(SAMPLES_DIR, aggregator, name));

describe("amplify for the conformance memory test: nacha", () => {
  const rpps = () => loadAggregatorMapping("rpps");
  const strict = () => loadAggregatorMapping("nacha-strict");

  it(`repeats every batch's entries of the RPPS sample ${FACTOR} times into a file the rpps profile accepts`, async () => {
    const items = await expectCleanAmplification(rpps(), sampleOf("rpps", "normal-day.ach"), amplifyNacha);
    const fileControl = items.findLast((i) => i.kind === "control");
    expect(fileControl?.kind === "control" && fileControl.declared.hash, "RPPS leaves the file hash blank, and so does the copy").to.equal(null);
  });

  it(`turns a strictly valid file into one the strict profile accepts, hash, block count and padding recomputed`, async () => {
    const sample = Buffer.from(joinLines(fileLines()), "latin1");
    await expectCleanAmplification(strict(), sample, amplifyNacha);
    const lines = amplifyNacha(sample, FACTOR)!.toString("latin1").trimEnd().split("\n");
    expect(lines.length % 10, "padded to whole blocks").to.equal(0);
  });

  it("keeps every trace number in the amplified file unique", () => {
    const lines = amplifyNacha(sampleOf("rpps", "normal-day.ach"), FACTOR)!.toString("latin1").split("\n");
    const traces = lines.filter((l) => l.startsWith("6")).map((l) => l.slice(79, 94));
    expect(traces.length).to.equal(FACTOR * 31);
    expect(new Set(traces).size).to.equal(traces.length);
  });

  it("gives back the sample byte for byte at factor 1", () => {
    const sample = sampleOf("rpps", "normal-day.ach");
    expect(amplifyNacha(sample, 1)!.equals(sample)).to.equal(true);
  });

  it("gives up (null) on a file whose entries sit outside any batch", () => {
    const lines = fileLines().filter((l) => !l.startsWith("5"));
    expect(amplifyNacha(Buffer.from(joinLines(lines), "latin1"), FACTOR)).to.equal(null);
  });
});

describe("amplify for the conformance memory test: camt", () => {
  for (const name of ["notification-v02.xml", "notification-v04.xml", "notification-v08.xml"]) {
    it(`camt054 ${name}: repeats the entries ${FACTOR} times, TxsSummry scaled, and every control still agrees`, async () => {
      await expectCleanAmplification(loadAggregatorMapping("camt054"), sampleOf("camt054", name), amplify054);
    });
  }

  it(`camt053 statement-v08.xml: ${FACTOR} times the bank entries and a closing balance that still equals opening + booked entries`, async () => {
    const loaded = loadAggregatorMapping("camt053");
    await expectCleanAmplification(loaded, sampleOf("camt053", "statement-v08.xml"), amplify053);
    // OPBD 10,000.00 + 100 × 5,391.95 of booked entries.
    expect(amplify053(sampleOf("camt053", "statement-v08.xml"), FACTOR)!.toString()).to.contain('<Amt Ccy="USD">549195.00</Amt>');
  });

  it("reads and writes balances below zero as debits: a statement overdrawn by 20,000.00 or 10,000.00 at the opening", async () => {
    const loaded = loadAggregatorMapping("camt053");
    // The sample's entries net +5,391.95; times 3, +16,175.85.
    for (const [opening, closing, amplified] of [
      ["20000.00", "14608.05", '<Amt Ccy="USD">3824.15</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>'],
      ["10000.00", "4608.05", '<Amt Ccy="USD">6175.85</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>'],
    ]) {
      const overdrawn = Buffer.from(
        sampleOf("camt053", "statement-v08.xml")
          .toString()
          .replace('<Amt Ccy="USD">10000.00</Amt>\n        <CdtDbtInd>CRDT', `<Amt Ccy="USD">${opening}</Amt>\n        <CdtDbtInd>DBIT`)
          .replace('<Amt Ccy="USD">15391.95</Amt>\n        <CdtDbtInd>CRDT', `<Amt Ccy="USD">${closing}</Amt>\n        <CdtDbtInd>DBIT`),
      );
      expect((await parsed(loaded, overdrawn)).errors, "the edited sample balances").to.deep.equal([]);
      const big = amplify053(overdrawn, 3)!;
      expect(big.toString()).to.contain(amplified);
      expect((await parsed(loaded, big)).errors).to.deep.equal([]);
    }
  });

  it("gives back each sample byte for byte at factor 1", () => {
    for (const [aggregator, name, amplify] of [
      ["camt054", "notification-v02.xml", amplify054],
      ["camt054", "notification-v08.xml", amplify054],
      ["camt053", "statement-v08.xml", amplify053],
    ] as const) {
      const sample = sampleOf(aggregator, name);
      expect(amplify(sample, 1)!.equals(sample), name).to.equal(true);
    }
  });

  it("gives up (null) on a document with no entries to repeat", () => {
    const empty = sampleOf("camt054", "notification-v02.xml").toString().replace(/<Ntry>[\s\S]*<\/Ntry>/, "");
    expect(amplify054(Buffer.from(empty), FACTOR)).to.equal(null);
  });
});
