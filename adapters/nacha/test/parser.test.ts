import { expect } from "chai";
import fc from "fast-check";
import { FormatErrors } from "../../../src/adapter-kit/format-error";
import { NACHA_ERROR_CODES } from "../errors";
import { padText, replaceField, zeroPad } from "../fields";
import { BATCH_CONTROL, formatBatchControl } from "../records/batch-control";
import { formatBatchHeader } from "../records/batch-header";
import { formatEntryDetail } from "../records/entry-detail";
import { formatFileControl, PADDING_LINE } from "../records/file-control";
import { NachaParser } from "../parser";
import { PROFILES, resolveProfile } from "../profile";
import { batch, entriesOf, fileLines, joinLines, parseText } from "./helpers";
import { windows1252 } from "../../../test/support/windows-1252";

const where = (errors: { code: string; line: number; field: string | null }[]) =>
  errors.map((e) => [e.code, e.line, e.field]);

describe("NACHA parser: structure", () => {
  const lines = fileLines();

  it("gives the same entries for LF, CRLF, no final line break, and any chunking", async () => {
    const lf = await parseText(joinLines(lines));
    const crlf = await parseText(joinLines(lines, "\r\n"));
    const bare = await parseText(lines.join("\n"));
    const tiny = await parseText(joinLines(lines, "\r\n"), PROFILES.strict, 7);
    const summary = (r: typeof lf) =>
      entriesOf(r.events).map((e) => [e.line, e.kind, e.detail.amountCents, e.detail.identification, e.raw]);
    expect(lf.errors).to.deep.equal([]);
    for (const other of [crlf, bare, tiny]) {
      expect(other.errors).to.deep.equal([]);
      expect(summary(other)).to.deep.equal(summary(lf));
    }
  });

  it("reads accented names the same in UTF-8 and Windows-1252, however the bytes are chunked", async () => {
    const text = joinLines(
      fileLines({
        batches: [
          batch({ entries: [{ amountCents: 100, name: "ALVAREZ MARÍA", account: "712345678", note: "PAGO SEÑORA" }] }),
        ],
      }),
    );
    const names = (r: Awaited<ReturnType<typeof parseText>>) =>
      entriesOf(r.events).map((e) => [e.line, e.detail.individualName, e.detail.identification, e.detail.traceNumber]);
    const expected = [[3, "ALVAREZ MARÍA", "712345678", "999900010000001"]];
    for (const bytes of [Buffer.from(text, "utf8"), windows1252(text)]) {
      for (const chunkSize of [1, 7, 95, 64 * 1024]) {
        const r = await parseText(bytes, PROFILES.strict, chunkSize);
        expect(r.errors).to.deep.equal([]);
        expect(names(r)).to.deep.equal(expected);
      }
    }
  });

  it("accepts a file without its all-9 padding", async () => {
    const { errors } = await parseText(joinLines(lines.filter((l) => l !== PADDING_LINE)));
    expect(errors).to.deep.equal([]);
  });

  it("reports a truncated file: the open batch has no control and the file no file control", async () => {
    const { errors } = await parseText(joinLines(lines.slice(0, 9)));
    expect(where(errors)).to.deep.equal([
      ["missing_batch_control", 8, null],
      ["missing_file_control", 9, null],
    ]);
  });

  it("refuses a 93-character line under strict and, under rpps, pads it so the cut trace number is the error", async () => {
    const cut = lines.map((l, i) => (i === 2 ? l.slice(0, 93) : l));
    const strict = await parseText(joinLines(cut), PROFILES.strict);
    expect(where(strict.errors)).to.deep.equal([
      ["short_line", 3, null],
      ["invalid_field", 3, "traceNumber"],
    ]);
    const rpps = await parseText(joinLines(cut), PROFILES.rpps);
    expect(where(rpps.errors)).to.deep.equal([["invalid_field", 3, "traceNumber"]]);
  });

  it("under rpps accepts a line whose trailing blanks were trimmed, since only blank fields went missing", async () => {
    const trimmed = lines.map((l) => l.trimEnd());
    expect((await parseText(joinLines(trimmed), PROFILES.rpps)).errors).to.deep.equal([]);
    expect((await parseText(joinLines(trimmed), PROFILES.strict)).errors.map((e) => e.code)).to.include("short_line");
  });

  it("a blank entry hash and block count are an error under strict and 'not given' under rpps", async () => {
    const blank = fileLines({ blankHashAndBlockCount: true });
    const strict = await parseText(joinLines(blank), PROFILES.strict);
    expect(where(strict.errors)).to.deep.equal([
      ["invalid_field", 7, "entryHash"],
      ["invalid_field", 13, "entryHash"],
      ["invalid_field", 14, "blockCount"],
      ["invalid_field", 14, "entryHash"],
    ]);
    const rpps = await parseText(joinLines(blank), PROFILES.rpps);
    expect(rpps.errors).to.deep.equal([]);
    expect(entriesOf(rpps.events)).to.have.length(6);
  });

  it("a mapping can switch one leniency on top of a profile", async () => {
    const trimmed = joinLines(lines.map((l) => l.trimEnd()));
    const profile = resolveProfile("strict", { padShortLines: true });
    expect(profile.name).to.equal("strict+padShortLines=true");
    expect((await parseText(trimmed, profile)).errors).to.deep.equal([]);
  });

  it("reports an addenda nobody announced, an announced addenda that never came, and an entry outside a batch", async () => {
    const noAddenda = lines.filter((l) => !l.startsWith("705"));
    expect(where((await parseText(joinLines(noAddenda))).errors)).to.deep.include.members([
      ["missing_addenda", 4, null],
    ]);
    const orphan = [lines[0], lines[2], ...lines.slice(1)];
    expect(where((await parseText(joinLines(orphan))).errors)).to.deep.include.members([
      ["record_outside_batch", 2, null],
    ]);
    const extra = [...lines.slice(0, 3), lines[4], ...lines.slice(3)];
    expect(where((await parseText(joinLines(extra))).errors)).to.deep.include.members([
      ["unexpected_addenda", 4, null],
    ]);
  });

  it("reports text after the file control and a record type it does not know", async () => {
    const after = [...lines.slice(0, 15), "5" + lines[1].slice(1)];
    expect(where((await parseText(joinLines(after))).errors)).to.deep.equal([["data_after_file_control", 16, null]]);
    const unknown = lines.map((l, i) => (i === 5 ? "4" + l.slice(1) : l));
    expect(where((await parseText(joinLines(unknown))).errors)).to.deep.include.members([
      ["unknown_record_type", 6, "recordTypeCode"],
    ]);
  });

  it("a file that does not start with a file header says so on line 1", async () => {
    const { errors } = await parseText(joinLines(lines.slice(1)));
    expect(where(errors)[0]).to.deep.equal(["missing_file_header", 1, null]);
  });

  it("collects every error of the file, not just the first", async () => {
    const broken = lines.map((l) => (l.startsWith("6") ? l.slice(0, 79) + "X".repeat(15) : l));
    const { errors } = await parseText(joinLines(broken));
    expect(errors.filter((e) => e.field === "traceNumber").map((e) => e.line)).to.deep.equal([3, 4, 6, 9, 10, 12]);
  });

  it("stops at the error cap and says the list was cut", async () => {
    const parser = new NachaParser(PROFILES.strict, 5);
    const out: never[] = [];
    for (let i = 1; i <= 20; i++) parser.line("garbage", i, out);
    expect(parser.saturated).to.equal(true);
    expect(() => parser.end(out))
      .to.throw(FormatErrors)
      .with.property("truncated", true);
  });
});

describe("NACHA parser: entry kinds", () => {
  const parse = async (spec: Parameters<typeof batch>[0], profile = PROFILES.strict) => {
    const r = await parseText(joinLines(fileLines({ batches: [batch(spec)] })), profile);
    return { errors: r.errors, entries: entriesOf(r.events) };
  };

  it("22 is a payment, 23 a prenote and a 27 debit a reversal", async () => {
    const { errors, entries } = await parse({
      serviceClassCode: "200",
      entries: [
        { amountCents: 100, name: "A", account: "712345678" },
        { transactionCode: "23", amountCents: 0, name: "B", account: "712345678" },
        { transactionCode: "27", amountCents: 100, name: "C", account: "712345678" },
      ],
    });
    expect(errors).to.deep.equal([]);
    expect(entries.map((e) => [e.kind, e.direction])).to.deep.equal([
      ["payment", "credit"],
      ["prenote", "credit"],
      ["reversal", "debit"],
    ]);
  });

  it("every live entry of a REVERSAL batch is a reversal, credits included", async () => {
    const { entries } = await parse({
      serviceClassCode: "200",
      companyEntryDescription: "REVERSAL",
      entries: [
        { amountCents: 100, name: "A", account: "712345678" },
        { transactionCode: "27", amountCents: 100, name: "B", account: "712345678" },
      ],
    });
    expect(entries.map((e) => e.kind)).to.deep.equal(["reversal", "reversal"]);
  });

  it("a return code needs its addenda 99 or 98, and a prenote or NOC must carry no money", async () => {
    const { errors } = await parse({
      entries: [
        { transactionCode: "21", amountCents: 100, name: "A", account: "712345678" },
        { transactionCode: "23", amountCents: 100, name: "B", account: "712345678" },
        {
          transactionCode: "21",
          amountCents: 5,
          name: "C",
          account: "712345678",
          change: {
            changeCode: "C09",
            originalTrace: "999900010000001",
            originalDfi: "99990001",
            correctedData: "712345679",
          },
        },
      ],
    });
    expect(where(errors)).to.deep.equal([
      ["return_without_addenda", 3, "transactionCode"],
      ["nonzero_amount", 4, "amount"],
      ["nonzero_amount", 5, "amount"],
    ]);
  });

  it("a debit in a credits-only batch is a service class error", async () => {
    const { errors } = await parse({
      entries: [{ transactionCode: "27", amountCents: 100, name: "A", account: "712345678" }],
    });
    expect(where(errors)).to.deep.equal([["service_class_mismatch", 3, "transactionCode"]]);
  });

  it("a zero-dollar remittance entry (24) is its own kind, never a payment", async () => {
    const { errors, entries } = await parse({
      entries: [{ transactionCode: "24", amountCents: 0, name: "A", account: "712345678" }],
    });
    expect(errors).to.deep.equal([]);
    expect(entries.map((e) => e.kind)).to.deep.equal(["zero_dollar"]);
  });

  it("a return with effective date 000000 settles on the file creation date under rpps; a payment there is an error", async () => {
    const returned = { reasonCode: "R22", originalTrace: "999900010000001", originalDfi: "99990001" };
    const ok = await parse(
      {
        effectiveEntryDate: "000000",
        entries: [{ transactionCode: "21", amountCents: 100, name: "A", account: "712345678", returned }],
      },
      PROFILES.rpps,
    );
    expect(ok.errors).to.deep.equal([]);
    expect(ok.entries.map((e) => [e.kind, e.settledOn, e.effectiveDateMissing])).to.deep.equal([
      ["return", "2024-03-21", true],
    ]);
    const bad = await parse(
      { effectiveEntryDate: "000000", entries: [{ amountCents: 100, name: "A", account: "712345678" }] },
      PROFILES.rpps,
    );
    expect(where(bad.errors)).to.deep.equal([["invalid_effective_date", 2, "effectiveEntryDate"]]);
    const strict = await parse({
      effectiveEntryDate: "000000",
      entries: [{ transactionCode: "21", amountCents: 100, name: "A", account: "712345678", returned }],
    });
    expect(where(strict.errors)).to.deep.equal([["invalid_effective_date", 2, "effectiveEntryDate"]]);
  });
});

/**
 * A file of one small IAT batch, shaped like moov-io's iat-debit.ach: the IAT header fields where
 * the domestic header has company name and data, an entry announcing its seven mandatory addenda
 * 10-16, and a batch control whose company identification is blank. Its controls add up.
 */
function iatFileLines(): string[] {
  const trace = "999900010000001";
  const header = formatBatchHeader({
    serviceClassCode: "220",
    companyName: "", // IAT indicator
    companyDiscretionaryData: "FF3               US", // foreign exchange indicator and reference, destination country
    companyIdentification: "1234567890", // originator identification
    standardEntryClassCode: "IAT",
    companyEntryDescription: "TRADEPAYMT",
    companyDescriptiveDate: "CADUSD", // originating and destination currencies
    effectiveEntryDate: "240321",
    originatingDfi: "99990001",
    batchNumber: 1,
  });
  const entry = formatEntryDetail(
    {
      transactionCode: "22",
      receivingDfi: "01100001",
      dfiAccountNumber: "0007",
      amountCents: 100000,
      individualName: "",
      identification: "FR7630006000011",
      addenda: true,
      traceNumber: trace,
    },
    "standard",
  );
  const addenda = ["10", "11", "12", "13", "14", "15", "16"].map(
    (type) => `7${type}${padText(`IAT ADDENDA ${type}`, 84)}${trace.slice(-7)}`,
  );
  const totals = { entryAddendaCount: 8, entryHash: 1100001, totalDebitCents: 0, totalCreditCents: 100000 };
  const control = formatBatchControl({
    serviceClassCode: "220",
    ...totals,
    companyIdentification: "",
    originatingDfi: "99990001",
    batchNumber: 1,
  });
  const records = [
    fileLines()[0],
    header,
    entry,
    ...addenda,
    control,
    formatFileControl({ batchCount: 1, blockCount: 2, ...totals }),
  ];
  return [...records, ...Array<string>(20 - records.length).fill(PADDING_LINE)];
}

describe("NACHA parser: IAT", () => {
  it("an IAT batch is one iat_not_supported on its header, not a cascade of header/control mismatches", async () => {
    const { errors, events } = await parseText(joinLines(iatFileLines()), PROFILES.rpps);
    expect(where(errors)).to.deep.equal([["iat_not_supported", 2, "standardEntryClassCode"]]);
    expect(errors[0].message).to.match(/^IAT \(international ACH\) batches are not a bill-pay format/);
    expect(entriesOf(events)).to.deep.equal([]);
  });

  it("an IAT batch's controls are still checked", async () => {
    const lines = iatFileLines();
    const { errors } = await parseText(
      joinLines(lines.map((l, i) => (i === 10 ? replaceField(l, BATCH_CONTROL.totalCredits, zeroPad(99999, 12)) : l))),
      PROFILES.strict,
    );
    expect(where(errors)).to.deep.equal([
      ["iat_not_supported", 2, "standardEntryClassCode"],
      ["batch_credit_total_mismatch", 11, "totalCredits"],
    ]);
  });
});

describe("NACHA parser: hostile input", () => {
  it("an empty file is a FormatError, not a crash", async () => {
    expect(where((await parseText("")).errors)).to.deep.equal([["empty_file", 0, null]]);
  });

  it("a line that never ends stops the reader with a FormatError instead of filling memory", async () => {
    const { errors } = await parseText("1".repeat(100_000));
    expect(errors.map((e) => e.code)).to.deep.equal(["long_line"]);
  });

  it("any bytes at all give FormatErrors with known codes, never another exception", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.constantFrom(PROFILES.strict, PROFILES.rpps),
        async (bytes, profile) => {
          const { errors } = await parseText(Buffer.from(bytes).toString("latin1"), profile);
          for (const e of errors) expect(NACHA_ERROR_CODES).to.include(e.code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a valid file with random lines mangled gives FormatErrors or entries, never another exception", async () => {
    const lines = fileLines();
    await fc.assert(
      fc.asyncProperty(fc.nat(lines.length - 1), fc.nat(93), fc.string({ maxLength: 20 }), async (index, at, junk) => {
        const mangled = lines.map((l, i) => (i === index ? l.slice(0, at) + junk + l.slice(at + junk.length) : l));
        const { errors } = await parseText(joinLines(mangled), PROFILES.rpps);
        for (const e of errors) expect(NACHA_ERROR_CODES).to.include(e.code);
      }),
      { numRuns: 300 },
    );
  });
});
