import { ErrorCollector, FormatError } from "../../src/adapter-kit/format-error";
import { centsToDecimal, MoneyFormatError, sumCents } from "../../src/model/money";
import { x12Error, type SegmentPosition } from "./errors";
import { readSegments, type X12Segment } from "./segment-reader";
import { parseGs, parseIsa, parseSt, parseTrailer, type Gs, type Isa, type St } from "./segments/envelope";
import {
  parseAdx,
  parseBpr,
  parseDtm,
  parseEnt,
  parseN1,
  parseNm1,
  parseRef,
  parseRmr,
  parseTrn,
  type Adx,
  type Bpr,
  type Ent,
  type N1,
  type Nm1,
  type Ref,
  type Rmr,
  type Trn,
} from "./segments/remittance";
import type { DatePeriod } from "./values";

/** Which ADX amounts take part in BPR02 = Σ RMR04 (± ADX). */
export type AdjustmentBalance = "unattached" | "all" | "none";

export interface Read820Options {
  /** Accepted GS08 / ST03 versions, e.g. 005010X218 and 004010X061A1. */
  versions: readonly string[];
  adjustmentBalance: AdjustmentBalance;
  maxSegmentLength?: number;
}

/** The 820 header facts every remittance line of a transaction set shares. */
export interface TransactionContext {
  isa: Isa;
  gs: Gs;
  st: St;
  version: string;
  bpr: Bpr | null;
  bprAt: SegmentPosition | null;
  trn: Trn | null;
  /** Header DTM*582: the coverage period when the detail loops do not repeat it. */
  coverage: DatePeriod | null;
  /** Header DTM*097: when the payer created the transaction. */
  createdOn: string | null;
  parties: N1[];
  refs: Ref[];
}

/** An ENT loop: the member (2J) or organization (2L) the following RMRs pay for. */
export interface EntityContext {
  ent: Ent;
  at: SegmentPosition;
  nm1: Nm1 | null;
  refs: Ref[];
  coverage: DatePeriod | null;
}

export interface Adjustment {
  adx: Adx;
  at: SegmentPosition;
}

/** One RMR with the segments of its loop: one payment. */
export interface RemittanceLine {
  /** 1-based position of this RMR within its transaction set. */
  sequence: number;
  at: SegmentPosition;
  rmr: Rmr;
  transaction: TransactionContext;
  entity: EntityContext | null;
  /** DTM*582 inside the RMR loop. */
  coverage: DatePeriod | null;
  refs: Ref[];
  adjustments: Adjustment[];
  /** The loop's segments as received, joined by the file's terminator. */
  raw: string;
}

export interface ControlFigures {
  count: number | null;
  totalCents: number | null;
}

export type X12Event =
  | { type: "interchange"; isa: Isa; at: SegmentPosition }
  | { type: "remittance"; line: RemittanceLine }
  /** An ADX outside any RMR loop: an adjustment of the whole entity or transaction. */
  | { type: "adjustment"; adjustment: Adjustment; transaction: TransactionContext; entity: EntityContext | null }
  | {
      type: "control";
      scope: "transaction" | "group" | "interchange";
      controlNumber: string;
      at: SegmentPosition;
      declared: ControlFigures;
      parsed: ControlFigures;
      /** For scope "transaction": the header facts of the set just closed. */
      transaction?: TransactionContext;
    };

/**
 * Reads X12 820 interchanges as a stream of events, one remittance line per RMR, and enforces the
 * envelope and balance controls: SE01/SE02, GE01/GE02, IEA01/IEA02 and BPR02 = Σ RMR04 (± ADX).
 * Lines are yielded as their loop closes, so a transaction with a million RMRs streams; its BPR02
 * is checked at SE. Errors name the segment number as `line` and the element (e.g. "SE01"); all
 * errors of the file are collected and thrown together at the end as FormatErrors.
 */
export async function* read820(
  input: AsyncIterable<Buffer | string>,
  options: Read820Options,
): AsyncGenerator<X12Event> {
  const reader = new Reader820(options);
  let last: X12Segment | null = null;
  try {
    for await (const s of readSegments(input, { maxSegmentLength: options.maxSegmentLength })) {
      last = s;
      // A cut-off last segment is reported as the truncation it is, not as a segment with missing elements.
      if (s.unterminated && s.tag !== "IEA") break;
      yield* reader.segment(s);
    }
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    reader.errors.add(error);
    reader.errors.throwIfAny();
  }
  reader.end(last ?? { index: 0, line: 0 });
}

/**
 * The envelope state machine, fed one segment at a time: the open interchange (ISA–IEA), functional
 * group (GS–GE) and transaction set (ST–SE), with the counts their trailers declare. Synchronous,
 * like NachaParser, so read820 yields one segment's events before it reads the next. The methods
 * that emit are generators: an event is yielded the moment it exists, so a check that fails after
 * it (an SE total past the safe range, say) cannot hold back a line the caller would have had.
 */
class Reader820 {
  readonly errors = new ErrorCollector();
  private isa: Isa | null = null;
  private isaAt: SegmentPosition | null = null;
  /** Groups of the open interchange: what IEA01 counts. */
  private groups = 0;
  private gs: Gs | null = null;
  private gsAt: SegmentPosition | null = null;
  /** Transaction sets of the open group: what GE01 counts. */
  private sets = 0;
  private tx: OpenTransaction | null = null;

  constructor(private readonly options: Read820Options) {}

  *segment(s: X12Segment): Generator<X12Event> {
    if (this.tx) this.tx.segments += 1;
    switch (s.tag) {
      case "ISA":
        return yield* this.interchangeHeader(s);
      case "GS":
        return this.groupHeader(s);
      case "ST":
        return this.transactionHeader(s);
      case "SE":
        return yield* this.transactionTrailer(s);
      case "GE":
        return yield* this.groupTrailer(s);
      case "IEA":
        return yield* this.interchangeTrailer(s);
      default:
        if (!this.tx) return this.outOfPlace(s, "outside a transaction set");
        return yield* this.tx.segment(s);
    }
  }

  /** Call after the last segment (`at`): reports an envelope left open, then throws FormatErrors if anything was wrong. */
  end(at: SegmentPosition): void {
    if (this.tx) {
      const inside = `transaction set ${this.tx.ctx.st.controlNumber}`;
      this.errors.add(x12Error("truncated", at, "SE", { missing: "SE", inside }));
    } else if (this.gs) {
      this.errors.add(
        x12Error("truncated", at, "GE", { missing: "GE", inside: `functional group ${this.gs.controlNumber}` }),
      );
    } else if (this.isa) {
      this.errors.add(
        x12Error("truncated", at, "IEA", { missing: "IEA", inside: `interchange ${this.isa.controlNumber}` }),
      );
    }
    this.errors.throwIfAny();
  }

  private *interchangeHeader(s: X12Segment): Generator<X12Event> {
    if (this.isa) this.outOfPlace(s, "inside an interchange whose IEA is missing");
    this.groups = 0;
    this.gs = null;
    this.tx = null;
    const isa = parseIsa(s);
    this.isa = isa;
    this.isaAt = s;
    yield { type: "interchange", isa, at: s };
  }

  private groupHeader(s: X12Segment): void {
    if (!this.isa || this.gs) {
      this.outOfPlace(s, this.isa ? "inside a functional group whose GE is missing" : "outside an interchange");
      if (!this.isa) return;
    }
    this.groups += 1;
    this.sets = 0;
    const gs = parseGs(s);
    this.gs = gs;
    this.gsAt = s;
    const versions = this.options.versions;
    if (gs.functionalId !== "RA")
      this.errors.add(x12Error("unsupported_functional_group", s, "GS01", { value: gs.functionalId }));
    if (!versions.includes(gs.version)) {
      this.errors.add(x12Error("unsupported_version", s, "GS08", { value: gs.version, accepted: versions }));
    }
  }

  private transactionHeader(s: X12Segment): void {
    const gs = this.gs;
    if (!gs || this.tx) {
      this.outOfPlace(s, gs ? "inside a transaction set whose SE is missing" : "outside a functional group");
      if (!gs) return;
    }
    this.sets += 1;
    const st = parseSt(s);
    if (st.setId !== "820") throw x12Error("unsupported_transaction_set", s, "ST01", { value: st.setId });
    const versions = this.options.versions;
    if (st.conventionReference && !versions.includes(st.conventionReference)) {
      this.errors.add(
        x12Error("unsupported_version", s, "ST03", { value: st.conventionReference, accepted: versions }),
      );
    }
    // A GS is open only inside an ISA.
    this.tx = new OpenTransaction(this.isa as Isa, gs, st, s.delimiters.segment, this.errors);
  }

  private *transactionTrailer(s: X12Segment): Generator<X12Event> {
    const tx = this.tx;
    if (!tx) return this.outOfPlace(s, "without its ST");
    this.tx = null;
    yield* tx.close(s, this.options.adjustmentBalance);
  }

  private *groupTrailer(s: X12Segment): Generator<X12Event> {
    if (!this.gs || this.tx) {
      this.outOfPlace(s, this.tx ? "inside a transaction set whose SE is missing" : "without its GS");
      if (!this.gs) return;
      this.tx = null;
    }
    const header = { name: `GS06 (segment ${this.gsAt?.index})`, controlNumber: this.gs.controlNumber };
    this.gs = null;
    yield closeEnvelope(s, "group", this.sets, header, this.errors);
  }

  private *interchangeTrailer(s: X12Segment): Generator<X12Event> {
    if (!this.isa || this.gs) {
      this.outOfPlace(s, this.gs ? "inside a functional group whose GE is missing" : "without its ISA");
      if (!this.isa) return;
      this.gs = null;
      this.tx = null;
    }
    const header = { name: `ISA13 (segment ${this.isaAt?.index})`, controlNumber: this.isa.controlNumber };
    this.isa = null;
    yield closeEnvelope(s, "interchange", this.groups, header, this.errors);
  }

  private outOfPlace(s: X12Segment, where: string): void {
    this.errors.add(x12Error("out_of_place", s, s.tag, { tag: s.tag, where }));
  }
}

/**
 * One transaction set from ST to SE: its header facts, the open ENT and RMR loops, and the running
 * figures SE01 and BPR02 are checked against.
 */
class OpenTransaction {
  readonly ctx: TransactionContext;
  /** Segments from ST on: what SE01 counts. */
  segments = 1;
  private rmrCount = 0;
  private readonly rmrCents: number[] = [];
  private readonly adjustmentCents: { cents: number; attached: boolean }[] = [];
  /** A detail segment failed to parse: its total cannot be checked meaningfully. */
  private tainted = false;
  private entity: EntityContext | null = null;
  /** The RMR loop being read, and its segments as received. */
  private open: RemittanceLine | null = null;
  private openRaw: string[] = [];

  constructor(
    isa: Isa,
    gs: Gs,
    st: St,
    private readonly terminator: string,
    private readonly errors: ErrorCollector,
  ) {
    this.ctx = {
      isa,
      gs,
      st,
      version: st.conventionReference ?? gs.version,
      bpr: null,
      bprAt: null,
      trn: null,
      coverage: null,
      createdOn: null,
      parties: [],
      refs: [],
    };
  }

  /** A segment between ST and SE. A bad one is collected and the set's BPR02 balance left unchecked. */
  *segment(s: X12Segment): Generator<X12Event> {
    try {
      switch (s.tag) {
        // Neither a BPR nor an ENT is part of an RMR loop's text.
        case "BPR":
          return this.bpr(s);
        case "ENT":
          return yield* this.ent(s);
        case "TRN":
          this.trn(s);
          break;
        case "NM1":
          this.nm1(s);
          break;
        case "N1":
          this.n1(s);
          break;
        case "RMR":
          yield* this.rmr(s);
          break;
        case "REF":
          this.ref(s);
          break;
        case "DTM":
          this.dtm(s);
          break;
        case "ADX":
          yield* this.adx(s);
          break;
      }
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      this.errors.add(error);
      this.tainted = true;
    }
    if (this.open) this.openRaw.push(s.raw);
  }

  /** SE: the last RMR loop closes, then SE01, SE02 and BPR02 = Σ RMR04 (± ADX) are checked. */
  *close(se: X12Segment, balance: AdjustmentBalance): Generator<X12Event> {
    yield* this.closeLine();
    const st = this.ctx.st;
    const trailer = parseTrailer(se);
    if (toCount(trailer.count) !== this.segments) {
      this.errors.add(
        x12Error("segment_count_mismatch", se, "SE01", {
          declared: trailer.count,
          parsed: this.segments,
          st: st.controlNumber,
        }),
      );
    }
    if (!sameControlNumber(trailer.controlNumber, st.controlNumber)) {
      this.errors.add(
        x12Error("control_number_mismatch", se, "SE02", {
          trailer: "SE02",
          declared: trailer.controlNumber,
          header: "ST02",
          expected: st.controlNumber,
        }),
      );
    }
    const adjustments = this.adjustmentCents.filter(
      (a) => balance === "all" || (balance === "unattached" && !a.attached),
    );
    const parsed = this.sumOrNull(se, [...this.rmrCents, ...adjustments.map((a) => a.cents)]);
    if (parsed !== null) this.checkBalance(se, parsed, adjustments.length);
    const bpr = this.ctx.bpr;
    yield {
      type: "control",
      scope: "transaction",
      controlNumber: st.controlNumber,
      at: se,
      declared: { count: toCount(trailer.count), totalCents: bpr?.totalCents ?? null },
      parsed: { count: this.segments, totalCents: parsed },
      transaction: this.ctx,
    };
  }

  /** The transaction's amounts added up; past the safe-integer range that is the file's fault, so a FormatError, not a crash. */
  private sumOrNull(se: X12Segment, cents: number[]): number | null {
    try {
      return sumCents(cents);
    } catch (error) {
      if (!(error instanceof MoneyFormatError)) throw error;
      this.errors.add(x12Error("total_out_of_range", se, "RMR04", { st: this.ctx.st.controlNumber }));
      return null;
    }
  }

  /** BPR02 against the RMR04 (and ADX01) amounts; not when a detail segment failed, whose amount is unknown. */
  private checkBalance(se: X12Segment, parsed: number, adjustments: number): void {
    const bpr = this.ctx.bpr;
    if (this.tainted) return;
    if (!bpr) {
      const what = `the BPR segment of transaction set ${this.ctx.st.controlNumber}`;
      this.errors.add(x12Error("missing_element", se, "BPR", { what }));
    } else if (bpr.totalCents !== parsed) {
      this.errors.add(
        x12Error("payment_total_mismatch", this.ctx.bprAt, "BPR02", {
          declared: centsToDecimal(bpr.totalCents),
          parsed: centsToDecimal(parsed),
          rmrs: this.rmrCount,
          adjustments: adjustments > 0 ? ` and ${adjustments} ADX01 amount(s)` : "",
        }),
      );
    }
  }

  private bpr(s: X12Segment): void {
    this.ctx.bprAt = s;
    this.ctx.bpr = parseBpr(s);
  }

  private trn(s: X12Segment): void {
    if (!this.ctx.trn) this.ctx.trn = parseTrn(s);
  }

  private *ent(s: X12Segment): Generator<X12Event> {
    yield* this.closeLine();
    this.entity = { ent: parseEnt(s), at: s, nm1: null, refs: [], coverage: null };
  }

  private nm1(s: X12Segment): void {
    if (this.entity && !this.open && !this.entity.nm1) this.entity.nm1 = parseNm1(s);
  }

  private n1(s: X12Segment): void {
    if (!this.entity) this.ctx.parties.push(parseN1(s));
  }

  private *rmr(s: X12Segment): Generator<X12Event> {
    yield* this.closeLine();
    if (!this.ctx.bpr) throw x12Error("missing_bpr", s, "BPR");
    const rmr = parseRmr(s);
    this.rmrCount += 1;
    this.rmrCents.push(rmr.paidCents);
    this.open = {
      sequence: this.rmrCount,
      at: s,
      rmr,
      transaction: this.ctx,
      entity: this.entity,
      coverage: null,
      refs: [],
      adjustments: [],
      raw: "",
    };
  }

  private ref(s: X12Segment): void {
    const ref = parseRef(s);
    (this.open ?? this.entity ?? this.ctx).refs.push(ref);
  }

  private dtm(s: X12Segment): void {
    const dtm = parseDtm(s);
    if (dtm.qualifier === "582") {
      if (this.open) this.open.coverage = dtm.period;
      else if (this.entity) this.entity.coverage = dtm.period;
      else this.ctx.coverage = dtm.period;
    } else if (dtm.qualifier === "097" && !this.open && !this.entity) {
      this.ctx.createdOn = dtm.period?.start ?? null;
    }
  }

  private *adx(s: X12Segment): Generator<X12Event> {
    const adjustment = { adx: parseAdx(s), at: s };
    this.adjustmentCents.push({ cents: adjustment.adx.amountCents, attached: this.open !== null });
    if (this.open) this.open.adjustments.push(adjustment);
    else yield { type: "adjustment", adjustment, transaction: this.ctx, entity: this.entity };
  }

  /** The RMR loop ends at the next RMR, ENT or SE: its line is complete and is emitted. */
  private *closeLine(): Generator<X12Event> {
    if (!this.open) return;
    this.open.raw = this.openRaw.join(this.terminator);
    yield { type: "remittance", line: this.open };
    this.open = null;
    this.openRaw = [];
  }
}

/** GE and IEA: the count of what they enclose (GE01, IEA01) and their header's control number (GE02, IEA02). */
function closeEnvelope(
  s: X12Segment,
  scope: "group" | "interchange",
  parsed: number,
  header: { name: string; controlNumber: string },
  errors: ErrorCollector,
): X12Event {
  const trailer = parseTrailer(s);
  const declared = toCount(trailer.count);
  if (declared !== parsed) {
    const code = scope === "group" ? "set_count_mismatch" : "group_count_mismatch";
    errors.add(x12Error(code, s, `${s.tag}01`, { declared: trailer.count, parsed }));
  }
  if (!sameControlNumber(trailer.controlNumber, header.controlNumber)) {
    const field = `${s.tag}02`;
    errors.add(
      x12Error("control_number_mismatch", s, field, {
        trailer: field,
        declared: trailer.controlNumber,
        header: header.name,
        expected: header.controlNumber,
      }),
    );
  }
  return {
    type: "control",
    scope,
    controlNumber: header.controlNumber,
    at: s,
    declared: { count: declared, totalCents: null },
    parsed: { count: parsed, totalCents: null },
  };
}

function toCount(value: string): number | null {
  return /^\d+$/.test(value) ? Number(value) : null;
}

/** Control numbers are compared as numbers when both are digits ("000000001" = "1"). */
function sameControlNumber(a: string, b: string): boolean {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) === BigInt(b);
  return a === b;
}
