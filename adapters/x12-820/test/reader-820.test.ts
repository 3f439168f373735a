import { asFormatErrors } from "../../../src/adapter-kit/format-error";
import { expect } from "chai";
import { read820, type Read820Options, type X12Event } from "../reader-820";
import { body820, chunked, interchange, isa, segments, STAR, type Delims } from "./helpers";
import { drain } from "../../../test/support/drain";

const OPTIONS: Read820Options = { versions: ["005010X218", "004010X061A1"], adjustmentBalance: "unattached" };

const run = (text: string, options: Read820Options = OPTIONS) => drain(read820(chunked(text, 97), options));
const where = (errors: { code: string; line: number; field: string | null }[]) =>
  errors.map((e) => [e.code, e.line, e.field]);
const remittances = (events: X12Event[]) => events.flatMap((e) => (e.type === "remittance" ? [e.line] : []));

describe("x12 820 reader", () => {
  it("yields one remittance line per RMR with its entity, coverage and sequence", async () => {
    const body = body820("30.00", ["10.00", "20.00"], []);
    body.splice(3, 0, ["DTM", "582", "", "", "", "RD8", "20170401-20170430"]);
    body.push(["DTM", "582", "", "", "", "RD8", "20170501-20170531"]);
    const { items, errors } = await run(interchange(STAR, body));
    expect(errors).to.deep.equal([]);
    const lines = remittances(items);
    expect(lines.map((l) => [l.sequence, l.rmr.paidCents, l.at.index, l.entity?.ent.assignedNumber])).to.deep.equal([
      [1, 1000, 10, "1"],
      [2, 2000, 13, "2"],
    ]);
    expect(lines[0].coverage).to.equal(null);
    expect(lines[0].transaction.coverage).to.deep.equal({ start: "2017-04-01", end: "2017-04-30" });
    expect(lines[1].coverage).to.deep.equal({ start: "2017-05-01", end: "2017-05-31" });
    expect(lines[1].raw).to.equal("RMR*11*712345671**20.00~DTM*582****RD8*20170501-20170531");
  });

  it("reports declared beside parsed figures for the transaction, group and interchange", async () => {
    const { items } = await run(interchange(STAR, body820("10.00", ["10.00"])));
    const controls = items.flatMap((e) => (e.type === "control" ? [[e.scope, e.at.index, e.declared, e.parsed]] : []));
    expect(controls).to.deep.equal([
      ["transaction", 10, { count: 8, totalCents: 1000 }, { count: 8, totalCents: 1000 }],
      ["group", 11, { count: 1, totalCents: null }, { count: 1, totalCents: null }],
      ["interchange", 12, { count: 1, totalCents: null }, { count: 1, totalCents: null }],
    ]);
  });

  describe("controls: each mismatch names its segment number and element", () => {
    const body = body820("10.00", ["10.00"]);
    const cases: [string, Parameters<typeof interchange>[2], [string, number, string]][] = [
      ["SE01 segment count", { se01: "9" }, ["segment_count_mismatch", 10, "SE01"]],
      ["SE02 = ST02", { se02: "0002" }, ["control_number_mismatch", 10, "SE02"]],
      ["GE01 set count", { ge01: "2" }, ["set_count_mismatch", 11, "GE01"]],
      ["GE02 = GS06", { ge02: "8" }, ["control_number_mismatch", 11, "GE02"]],
      ["IEA01 group count", { iea01: "3" }, ["group_count_mismatch", 12, "IEA01"]],
      ["IEA02 = ISA13", { iea02: "000000002" }, ["control_number_mismatch", 12, "IEA02"]],
      ["GS08 version", { gs08: "005010X306" }, ["unsupported_version", 2, "GS08"]],
      ["ST03 version", { st03: "005010X221" }, ["unsupported_version", 3, "ST03"]],
    ];
    for (const [name, overrides, expected] of cases) {
      it(name, async () => {
        const { errors } = await run(interchange(STAR, body, overrides));
        expect(where(errors)).to.deep.equal([expected]);
      });
    }

    it("BPR02 = sum of RMR04, pointing at the BPR segment and saying both amounts", async () => {
      const { errors } = await run(interchange(STAR, body820("30.01", ["10.00", "20.00"])));
      expect(where(errors)).to.deep.equal([["payment_total_mismatch", 4, "BPR02"]]);
      expect(errors[0].message).to.equal("BPR02 declares 30.01; the 2 RMR04 amount(s) sum to 30.00");
    });

    it("control numbers compare as numbers: IEA02 1 matches ISA13 000000001", async () => {
      expect((await run(interchange(STAR, body, { iea02: "1" }))).errors).to.deep.equal([]);
    });

    it("collects every mismatch of the file, not just the first", async () => {
      const { errors } = await run(interchange(STAR, body820("11.00", ["10.00"]), { se01: "1", ge02: "9" }));
      expect(where(errors)).to.deep.equal([
        ["segment_count_mismatch", 10, "SE01"],
        ["payment_total_mismatch", 4, "BPR02"],
        ["control_number_mismatch", 11, "GE02"],
      ]);
    });
  });

  describe("ADX adjustments in the BPR02 balance", () => {
    // Member 1 was billed 30.00, paid 10.00 after a 20.00 credit (ADX inside the RMR loop); the
    // entity-level ADX of -5.00 is an adjustment of the whole remittance.
    const body = body820(
      "5.00",
      ["10.00"],
      [
        ["ADX", "-20.00", "52"],
        ["ENT", "2", "2J"],
        ["ADX", "-5.00", "52"],
      ],
    );

    it("unattached: only an ADX outside any RMR loop counts", async () => {
      const { items, errors } = await run(interchange(STAR, body));
      expect(errors).to.deep.equal([]);
      expect(remittances(items)[0].adjustments.map((a) => a.adx.amountCents)).to.deep.equal([-2000]);
      expect(items.filter((e) => e.type === "adjustment")).to.have.length(1);
    });

    it("all: every ADX counts", async () => {
      const { errors } = await run(interchange(STAR, body), { ...OPTIONS, adjustmentBalance: "all" });
      expect(errors[0].message).to.equal(
        "BPR02 declares 5.00; the 1 RMR04 amount(s) and 2 ADX01 amount(s) sum to -15.00",
      );
    });

    it("none: BPR02 must equal the RMR04 amounts alone", async () => {
      const { errors } = await run(interchange(STAR, body), { ...OPTIONS, adjustmentBalance: "none" });
      expect(where(errors)).to.deep.equal([["payment_total_mismatch", 4, "BPR02"]]);
    });
  });

  describe("structure", () => {
    it("a file cut inside a transaction set is truncated at its last segment, field SE", async () => {
      const text = interchange(STAR, body820("10.00", ["10.00"]));
      const { errors } = await run(text.slice(0, text.indexOf("SE*")));
      expect(where(errors)).to.deep.equal([["truncated", 9, "SE"]]);
    });

    it("a file cut mid-segment does not report the cut segment's missing elements, only the truncation", async () => {
      const text = interchange(STAR, body820("10.00", ["10.00"]));
      const { errors } = await run(text.slice(0, text.indexOf("RMR*") + 8));
      expect(where(errors)).to.deep.equal([["truncated", 9, "SE"]]);
    });

    it("a missing IEA is a truncation named IEA", async () => {
      const text = interchange(STAR, body820("10.00", ["10.00"]));
      expect(where((await run(text.slice(0, text.indexOf("IEA*")))).errors)).to.deep.equal([["truncated", 11, "IEA"]]);
    });

    it("a transaction set other than 820 is refused on its ST01", async () => {
      const text = interchange(STAR, body820("10.00", ["10.00"])).replace("ST*820", "ST*835");
      expect(where((await run(text)).errors)).to.deep.equal([["unsupported_transaction_set", 3, "ST01"]]);
    });

    it("a detail segment outside a transaction set is out of place", async () => {
      const text = `${isa(STAR)}${segments(STAR, [
        ["RMR", "11", "712345678", "", "1"],
        ["IEA", "0", "000000001"],
      ])}`;
      expect(where((await run(text)).errors)).to.deep.equal([["out_of_place", 2, "RMR"]]);
    });

    it("an RMR before the BPR is refused", async () => {
      const body = body820("10.00", ["10.00"]);
      const { errors } = await run(interchange(STAR, [...body.slice(3), ...body.slice(0, 3)]));
      expect(where(errors)[0]).to.deep.equal(["missing_bpr", 6, "BPR"]);
    });

    it("with newlines between segments, a message names the physical line too", async () => {
      const d: Delims = { ...STAR, after: "\n\n" };
      const { errors } = await run(interchange(d, body820("10.00", ["10.00"]), { se01: "2" }));
      expect(where(errors)).to.deep.equal([["segment_count_mismatch", 10, "SE01"]]);
      expect(errors[0].message).to.match(/\(physical line 19\)$/);
    });
  });

  it("reads the same events from delimiters | ^ > and terminator ! as from * ~", async () => {
    const other: Delims = { element: "|", component: ">", segment: "!", repetition: "^", after: "\r\n" };
    const a = await run(interchange(STAR, body820("30.00", ["10.00", "20.00"])));
    const b = await run(interchange(other, body820("30.00", ["10.00", "20.00"])));
    expect(b.errors).to.deep.equal([]);
    expect(remittances(b.items).map((l) => [l.rmr.reference, l.rmr.paidCents])).to.deep.equal(
      remittances(a.items).map((l) => [l.rmr.reference, l.rmr.paidCents]),
    );
  });

  it("streams: a transaction with many RMRs yields its first lines before the input has been read", async () => {
    let produced = 0;
    const total = 50_000;
    async function* lazy(): AsyncGenerator<string> {
      yield `${isa(STAR)}GS*RA*S*R*20170320*0930*7*X*005010X218~ST*820*0001*005010X218~BPR*C*${total}.00*C*ACH~TRN*1*T~`;
      for (let i = 0; i < total; i++) {
        produced += 1;
        yield `ENT*${i}*2J~RMR*11*712345678**1.00~`;
      }
      yield `SE*${3 + total * 2 + 1}*0001~GE*1*7~IEA*1*000000001~`;
    }
    let seen = 0;
    let producedAtFirst = -1;
    let last: X12Event | null = null;
    for await (const e of read820(lazy(), OPTIONS)) {
      if (e.type === "remittance" && seen++ === 0) producedAtFirst = produced;
      last = e;
    }
    expect(seen).to.equal(total);
    expect(producedAtFirst).to.be.lessThan(10);
    expect(last).to.include({ type: "control", scope: "interchange" });
  });

  it("yields a line as its loop closes, before the SE checks that follow can fail", async () => {
    // The RMR04 amounts sum past the safe integer range, so the SE check fails: the caller has
    // both lines by then, the second closed by that same SE, and the failure is a FormatError.
    const text = interchange(STAR, body820("10.00", ["50000000000000.00", "50000000000000.00"]));
    const seen: string[] = [];
    let failure: unknown = null;
    try {
      for await (const e of read820(chunked(text, 97), OPTIONS)) seen.push(e.type);
    } catch (error) {
      failure = error;
    }
    expect(seen.slice(0, 3)).to.deep.equal(["interchange", "remittance", "remittance"]);
    expect(asFormatErrors(failure)?.map((e) => e.code)).to.deep.equal(["total_out_of_range"]);
  });
});
