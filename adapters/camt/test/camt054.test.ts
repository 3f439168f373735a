import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { camt054 as adapter } from "../camt054";
import { Camt054Mapping } from "../mapping";
import { FormatError } from "../../../src/adapter-kit/format-error";
import { loadAggregatorMapping } from "../../../src/config/mapping-loader";
import { GENKGO, payments, read054, sample, warnings, type Outcome } from "./helpers";

const V08 = sample("camt054", "notification-v08.xml");
const v08Text = readFileSync(V08, "utf8");

function only(out: Outcome): FormatError {
  expect(out.crash).to.equal(null);
  expect(out.errors).to.have.length(1);
  return out.errors[0];
}

describe("camt054 adapter", () => {
  it("loads its shipped mapping (account paths, statuses and payee check declared there)", () => {
    const loaded = loadAggregatorMapping("camt054");
    expect(loaded.adapter.id).to.equal("camt054");
    const m = loaded.mapping as Camt054Mapping;
    expect(m.account.paths).to.deep.equal(["RmtInf/Strd/CdtrRefInf/Ref"]);
    expect(m.statuses).to.deep.equal(["BOOK"]);
  });

  it("refuses a mapping with an invalid pattern or an unknown key when it loads", () => {
    const base = { version: 1, adapter: "camt054" };
    expect(Camt054Mapping.safeParse({ ...base, account: { ustrdPattern: "(" } }).success).to.equal(false);
    expect(Camt054Mapping.safeParse({ ...base, acount: {} }).success).to.equal(false);
    expect(Camt054Mapping.safeParse({ ...base, statuses: ["BOOKED"] }).success).to.equal(false);
  });

  it("recognises a camt.054 document by its first bytes and not a camt.053", () => {
    expect(adapter.sniff!(Buffer.from(v08Text.slice(0, 600)))).to.equal(true);
    expect(adapter.sniff!(readFileSync(path.join(GENKGO, "camt053.v8.xml")).subarray(0, 600))).to.equal(false);
  });

  describe("version 001.08 notification", () => {
    let out: Outcome;
    before(async () => {
      out = await read054({ file: V08 });
    });

    it("reads every booked transaction as one payment, in file order, with its line", () => {
      expect(out.errors).to.deep.equal([]);
      expect(payments(out).map((p) => [p.line, p.draft.kind, p.draft.amountCents])).to.deep.equal([
        [74, "payment", 41250],
        [109, "payment", 125010],
        [140, "payment", 28900],
        [183, "payment", 9999],
        [215, "payment", 30500],
        [262, "reversal", 41250],
        [297, "return", 9999],
      ]);
    });

    it("takes the account number from Strd/CdtrRefInf/Ref, else from the free text, as typed", () => {
      expect(payments(out).map((p) => p.draft.accountRaw)).to.deep.equal([
        "712345678",
        "7234-567-89",
        "734 567 890",
        "745678901",
        "756789012",
        "712345678",
        "745678901",
      ]);
    });

    it("reads the debtor at RltdPties/Dbtr/Pty/Nm, EndToEndId as reference, dates as local days", () => {
      const [first, , , , fifth] = payments(out).map((p) => p.draft);
      expect(first).to.include({
        payerName: "JANE Q MEMBER",
        sourceRef: "BP20170316A0001",
        initiatedOn: "2017-03-16",
        settledOn: "2017-03-20",
      });
      // BookgDt/DtTm 2017-03-21T01:30:00+01:00 is the evening of the 20th in Boston.
      expect(fifth.settledOn).to.equal("2017-03-20");
    });

    it("links a reversal (RvslInd) and a return (RtrInf) to the original by EndToEndId, with the reason", () => {
      const [reversal, ret] = payments(out)
        .slice(5)
        .map((p) => p.draft);
      expect(reversal).to.include({ kind: "reversal", originalRef: "BP20170316A0001", reasonCode: null });
      expect(ret).to.include({ kind: "return", originalRef: "BP20170315D0004", reasonCode: "AC01" });
    });

    it("warns once about a creditor that is not the payee, by name and by address, and counts the money", () => {
      expect(warnings(out).map((w) => [w.code, w.line])).to.deep.equal([
        ["payee_name_mismatch", 215],
        ["payee_address_mismatch", 215],
        ["entry_not_counted", 322],
      ]);
    });

    it("reports the TxsSummry and batch controls it checked", () => {
      const controls = out.items.filter((i) => i.kind === "control");
      expect(controls.map((c) => c.kind === "control" && [c.scope, c.declared.count, c.parsed.count])).to.deep.equal([
        ["Ntry@44/NtryDtls/Btch", 3, 3],
        ["Ntfctn[1]/TxsSummry/TtlNtries", 6, 6],
        ["Ntfctn[1]/TxsSummry/TtlCdtNtries", 4, 4],
        ["Ntfctn[1]/TxsSummry/TtlDbtNtries", 2, 2],
      ]);
    });

    it("names the file by MsgId and creation time", () => {
      const header = out.items.find((i) => i.kind === "header");
      expect(header?.kind === "header" && header.identity).to.equal(
        "camt.054.001.08/MHC-CAMT054-20170320-01/2017-03-20T18:00:00-04:00",
      );
    });
  });

  it("counts pending entries when the mapping says PDNG counts", async () => {
    const out = await read054({ file: V08 }, { statuses: ["BOOK", "PDNG"] });
    expect(payments(out)).to.have.length(8);
    expect(payments(out)[7].draft).to.include({ amountCents: 15000, accountRaw: "767890123", settledOn: "2017-03-21" });
  });

  it("finds the account where the mapping says, and nowhere else", async () => {
    const out = await read054({ file: V08 }, { account: { paths: [], ustrdPattern: null } });
    expect(payments(out).map((p) => p.draft.accountRaw)).to.deep.equal(Array(7).fill(null));
    const textOnly = await read054({ file: V08 }, { account: { paths: [] } });
    expect(payments(textOnly).map((p) => p.draft.accountRaw)).to.deep.equal([
      null,
      null,
      "734 567 890",
      "745678901",
      null,
      null,
      "745678901",
    ]);
  });

  it("skips the payee check when the mapping turns it off", async () => {
    const out = await read054({ file: V08 }, { payeeIdentity: { check: false } });
    expect(warnings(out).map((w) => w.code)).to.deep.equal(["entry_not_counted"]);
  });

  it("reads version 001.02: Dbtr/Nm, amounts in AmtDtls/TxAmt, one transaction without an amount, TtlNetNtryAmt", async () => {
    const out = await read054({ file: sample("camt054", "notification-v02.xml") });
    expect(out.errors).to.deep.equal([]);
    expect(
      payments(out).map((p) => [p.draft.payerName, p.draft.amountCents, p.draft.accountRaw, p.draft.sourceRef]),
    ).to.deep.equal([
      ["PAT OKONKWO", 41250, "771234560", "BP20170317G0007"],
      ["SAM RIVERA", 29125, "772345671", "BP20170318H0008"],
      // EndToEndId NOTPROVIDED: the bank's own reference stands in.
      ["ALEX KIM", 30000, "773-456-782", "BNK170321000202"],
    ]);
  });

  it("reads version 001.04: Dbtr/Nm, TxDtls/Amt, a return with a proprietary reason", async () => {
    const out = await read054({ file: sample("camt054", "notification-v04.xml") });
    expect(out.errors).to.deep.equal([]);
    expect(
      payments(out).map((p) => [
        p.draft.kind,
        p.draft.payerName,
        p.draft.amountCents,
        p.draft.accountRaw,
        p.draft.reasonCode,
      ]),
    ).to.deep.equal([
      ["payment", "DANA WHITE", 51979, "7456-789-01", null],
      ["payment", "ERIN BROWN", 27500, "774567893", null],
      ["return", "ERIN BROWN", 27500, "774567893", "R03"],
    ]);
    expect(warnings(out)).to.deep.equal([]);
  });

  describe("broken files", () => {
    const cases: [string, string, number, string | null][] = [
      ["broken-nboftxs.xml", "control_count_mismatch", 67, "NtryDtls/Btch/NbOfTxs"],
      ["broken-sum.xml", "control_sum_mismatch", 26, "TxsSummry/TtlNtries/Sum"],
      ["broken-doctype.xml", "xml_doctype_forbidden", 2, null],
      [
        "broken-truncated.xml",
        "xml_truncated",
        221,
        "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls/RltdPties/Dbtr/Pty/Nm",
      ],
    ];
    for (const [file, code, line, field] of cases) {
      it(`${file} is ${code} at line ${line}${field ? `, ${field}` : ""}`, async () => {
        const error = only(await read054({ file: sample("camt054", file) }));
        expect([error.code, error.line, error.field]).to.deep.equal([code, line, field]);
      });
    }

    it("rejects a DOCTYPE before any item is produced", async () => {
      const out = await read054({ file: sample("camt054", "broken-doctype.xml") });
      expect(out.items).to.deep.equal([]);
    });

    const swap = (from: string, to: string): string => {
      expect(v08Text).to.include(from);
      return v08Text.replace(from, to);
    };
    const mismatches: [string, string, string, string, number][] = [
      [
        "entries count",
        "<NbOfNtries>6</NbOfNtries>",
        "<NbOfNtries>7</NbOfNtries>",
        "TxsSummry/TtlNtries/NbOfNtries",
        28,
      ],
      ["net amount", "<Amt>1994.10</Amt>", "<Amt>1994.01</Amt>", "TxsSummry/TtlNtries/TtlNetNtry/Amt", 31],
      [
        "credit count",
        "<NbOfNtries>4</NbOfNtries>",
        "<NbOfNtries>5</NbOfNtries>",
        "TxsSummry/TtlCdtNtries/NbOfNtries",
        36,
      ],
      ["credit sum", "<Sum>2506.59</Sum>", "<Sum>2506.60</Sum>", "TxsSummry/TtlCdtNtries/Sum", 37],
      [
        "debit count",
        "<NbOfNtries>2</NbOfNtries>",
        "<NbOfNtries>1</NbOfNtries>",
        "TxsSummry/TtlDbtNtries/NbOfNtries",
        40,
      ],
      ["debit sum", "<Sum>512.49</Sum>", "<Sum>512.94</Sum>", "TxsSummry/TtlDbtNtries/Sum", 41],
      [
        "batch total",
        '<TtlAmt Ccy="USD">1951.60</TtlAmt>',
        '<TtlAmt Ccy="USD">1951.06</TtlAmt>',
        "NtryDtls/Btch/TtlAmt",
        71,
      ],
    ];
    for (const [what, from, to, field, line] of mismatches) {
      it(`a wrong ${what} names ${field} at line ${line}`, async () => {
        const error = only(await read054({ text: swap(from, to) }));
        expect([error.line, error.field]).to.deep.equal([line, field]);
      });
    }

    it("collects every control mismatch of a file, not only the first", async () => {
      const out = await read054({
        text: swap("<NbOfTxs>3</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>").replace("<Sum>3019.08</Sum>", "<Sum>1.00</Sum>"),
      });
      expect(out.errors.map((e) => e.field)).to.deep.equal(["NtryDtls/Btch/NbOfTxs", "TxsSummry/TtlNtries/Sum"]);
    });

    it("rejects an amount with three decimals, naming the field and line", async () => {
      const error = only(await read054({ text: swap('<Amt Ccy="USD">289.00</Amt>', '<Amt Ccy="USD">289.005</Amt>') }));
      expect([error.code, error.line, error.field]).to.deep.equal(["invalid_amount", 145, "TxDtls/Amt"]);
    });

    it("rejects a camt.053 statement, a version the mapping does not accept, and a non-camt document", async () => {
      expect(only(await read054({ file: path.join(GENKGO, "camt053.v8.xml") })).code).to.equal("wrong_message");
      expect(only(await read054({ file: V08 }, { versions: ["001.02"] })).code).to.equal("unsupported_version");
      expect(only(await read054({ text: "<Document><x/></Document>" })).code).to.equal("unsupported_version");
    });
  });

  describe("public genkgo/camt samples (checked by hand)", () => {
    it("camt054.v2: three debit transactions, none a member payment, each reported", async () => {
      const out = await read054({ file: path.join(GENKGO, "camt054.v2.xml") });
      expect(out.errors).to.deep.equal([]);
      expect(payments(out)).to.deep.equal([]);
      expect(warnings(out).map((w) => [w.code, w.line])).to.deep.equal([
        ["debit_skipped", 79],
        ["debit_skipped", 103],
        ["debit_skipped", 126],
      ]);
    });

    for (const [file, count, total] of [
      ["camt054.v4.xml", 90, 91],
      ["camt054.v8.xml", 92, 93],
    ] as const) {
      it(`${file}: its batch declares 2 transactions of 6.30 but lists 3 of 9.50`, async () => {
        const out = await read054({ file: path.join(GENKGO, file) });
        expect(out.errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([
          ["control_count_mismatch", count, "NtryDtls/Btch/NbOfTxs"],
          ["control_sum_mismatch", total, "NtryDtls/Btch/TtlAmt"],
        ]);
      });
    }

    it("camt054.v8-with-UETR: one debit without dates, reported, no payment", async () => {
      const out = await read054({ file: path.join(GENKGO, "camt054.v8-with-UETR.xml") });
      expect(out.errors).to.deep.equal([]);
      expect(warnings(out).map((w) => w.code)).to.deep.equal(["debit_skipped"]);
    });
  });

  describe("untrusted input", () => {
    it("gives a FormatError or a clean read, never a crash, for truncations and flipped bytes of the sample", async () => {
      const bytes = Buffer.from(v08Text);
      await fc.assert(
        fc.asyncProperty(
          fc.nat(bytes.length - 1),
          fc.integer({ min: 0, max: 255 }),
          fc.boolean(),
          async (at, value, truncate) => {
            const input = truncate ? bytes.subarray(0, at) : Buffer.from(bytes).fill(value, at, at + 1);
            const out = await read054({ text: input, chunk: 997 });
            expect(out.crash).to.equal(null);
          },
        ),
        { numRuns: 1000 },
      );
    });

    it("gives a FormatError for random bytes and for an empty file", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (raw) => {
          const out = await read054({ text: Buffer.from(raw) });
          expect(out.crash).to.equal(null);
          expect(out.errors).to.have.length.greaterThan(0);
        }),
        { numRuns: 500 },
      );
      expect(only(await read054({ text: "" })).code).to.equal("not_xml");
    });

    it("streams: memory stays flat on a notification 2,000 times the sample's entries", async function () {
      this.timeout(120_000);
      const head = v08Text.slice(0, v08Text.indexOf("<TxsSummry>"));
      const entries = v08Text.slice(v08Text.indexOf("<Ntry>"), v08Text.lastIndexOf("</Ntry>") + "</Ntry>".length);
      const tail = v08Text.slice(v08Text.lastIndexOf("</Ntry>") + "</Ntry>".length);
      const repeats = 2000;
      function* chunks(): Generator<string> {
        yield head;
        for (let i = 0; i < repeats; i++) yield entries;
        yield tail;
      }
      const m = Camt054Mapping.parse({ version: 1, adapter: "camt054" });
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      let count = 0;
      let bytes = 0;
      const input = Readable.from(chunks()).on("data", (c: string) => (bytes += c.length));
      for await (const item of adapter.parse(input, m, { name: "big.xml", aggregator: "camt054" })) {
        if (item.kind === "payment" && ++count % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      expect(count).to.equal(7 * repeats);
      expect(bytes).to.be.greaterThan(16_000_000);
      // Holding the file (17 MB of text, several times that as parsed objects) would blow past this.
      expect(peak - before).to.be.lessThan(48 * 1024 * 1024);
    });
  });
});
