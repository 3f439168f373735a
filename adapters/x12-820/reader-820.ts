import { ErrorCollector, FormatError } from "../../src/adapter-kit/format-error";
import { centsToDecimal, sumCents } from "../../src/model/money";
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

interface OpenTransaction {
  ctx: TransactionContext;
  segments: number;
  rmrCount: number;
  rmrCents: number[];
  adjustmentCents: { cents: number; attached: boolean }[];
  /** A detail segment failed to parse: its total cannot be checked meaningfully. */
  tainted: boolean;
  entity: EntityContext | null;
  open: RemittanceLine | null;
  openRaw: string[];
  terminator: string;
}

/**
 * Reads X12 820 interchanges as a stream of events, one remittance line per RMR, and enforces the
 * envelope and balance controls: SE01/SE02, GE01/GE02, IEA01/IEA02 and BPR02 = Σ RMR04 (± ADX).
 * Lines are yielded as their loop closes, so a transaction with a million RMRs streams; its BPR02
 * is checked at SE. Errors name the segment number as `line` and the element (e.g. "SE01"); all
 * errors of the file are collected and thrown together at the end as FormatErrors.
 */
export async function* read820(input: AsyncIterable<Buffer | string>, options: Read820Options): AsyncGenerator<X12Event> {
  const errors = new ErrorCollector();
  let isa: Isa | null = null;
  let isaAt: SegmentPosition | null = null;
  let groups = 0;
  let gs: Gs | null = null;
  let gsAt: SegmentPosition | null = null;
  let sets = 0;
  let tx: OpenTransaction | null = null;
  let last: X12Segment | null = null;

  const closeLine = function* (t: OpenTransaction): Generator<X12Event> {
    if (!t.open) return;
    t.open.raw = t.openRaw.join(t.terminator);
    yield { type: "remittance", line: t.open };
    t.open = null;
    t.openRaw = [];
  };

  try {
    for await (const s of readSegments(input, { maxSegmentLength: options.maxSegmentLength })) {
      last = s;
      // A cut-off last segment is reported as the truncation it is, not as a segment with missing elements.
      if (s.unterminated && s.tag !== "IEA") break;
      if (tx) tx.segments += 1;
      switch (s.tag) {
        case "ISA": {
          if (isa) errors.add(x12Error("out_of_place", s, "ISA", { tag: "ISA", where: "inside an interchange whose IEA is missing" }));
          groups = 0;
          gs = null;
          tx = null;
          isa = parseIsa(s);
          isaAt = s;
          yield { type: "interchange", isa, at: s };
          break;
        }
        case "GS": {
          if (!isa || gs) {
            errors.add(x12Error("out_of_place", s, "GS", { tag: "GS", where: isa ? "inside a functional group whose GE is missing" : "outside an interchange" }));
            if (!isa) break;
          }
          groups += 1;
          sets = 0;
          gs = parseGs(s);
          gsAt = s;
          if (gs.functionalId !== "RA") errors.add(x12Error("unsupported_functional_group", s, "GS01", { value: gs.functionalId }));
          if (!options.versions.includes(gs.version)) {
            errors.add(x12Error("unsupported_version", s, "GS08", { value: gs.version, accepted: options.versions }));
          }
          break;
        }
        case "ST": {
          if (!gs || tx) {
            errors.add(x12Error("out_of_place", s, "ST", { tag: "ST", where: gs ? "inside a transaction set whose SE is missing" : "outside a functional group" }));
            if (!gs) break;
          }
          sets += 1;
          const st = parseSt(s);
          if (st.setId !== "820") throw x12Error("unsupported_transaction_set", s, "ST01", { value: st.setId });
          if (st.conventionReference && !options.versions.includes(st.conventionReference)) {
            errors.add(x12Error("unsupported_version", s, "ST03", { value: st.conventionReference, accepted: options.versions }));
          }
          tx = {
              ctx: {
                isa: isa as Isa,
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
              },
              segments: 1,
              rmrCount: 0,
              rmrCents: [],
              adjustmentCents: [],
              tainted: false,
              entity: null,
              open: null,
              openRaw: [],
              terminator: s.delimiters.segment,
            };
          break;
        }
        case "SE": {
          if (!tx) {
            errors.add(x12Error("out_of_place", s, "SE", { tag: "SE", where: "without its ST" }));
            break;
          }
          const t: OpenTransaction = tx;
          tx = null;
          yield* closeLine(t);
          yield* checkTransaction(t, s, options, errors);
          break;
        }
        case "GE": {
          if (!gs || tx) {
            errors.add(x12Error("out_of_place", s, "GE", { tag: "GE", where: tx ? "inside a transaction set whose SE is missing" : "without its GS" }));
            if (!gs) break;
            tx = null;
          }
          const g: Gs = gs;
          gs = null;
          yield closeEnvelope(s, "group", sets, { name: `GS06 (segment ${gsAt?.index})`, controlNumber: g.controlNumber }, errors);
          break;
        }
        case "IEA": {
          if (!isa || gs) {
            errors.add(x12Error("out_of_place", s, "IEA", { tag: "IEA", where: gs ? "inside a functional group whose GE is missing" : "without its ISA" }));
            if (!isa) break;
            gs = null;
            tx = null;
          }
          const i: Isa = isa;
          isa = null;
          yield closeEnvelope(s, "interchange", groups, { name: `ISA13 (segment ${isaAt?.index})`, controlNumber: i.controlNumber }, errors);
          break;
        }
        default: {
          if (!tx) {
            errors.add(x12Error("out_of_place", s, s.tag, { tag: s.tag, where: "outside a transaction set" }));
            break;
          }
          yield* detailSegment(tx, s, errors, closeLine);
        }
      }
    }
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    errors.add(error);
    errors.throwIfAny();
  }

  const end: SegmentPosition = last ?? { index: 0, line: 0 };
  if (tx) {
    const st = (tx as OpenTransaction).ctx.st.controlNumber;
    errors.add(x12Error("truncated", end, "SE", { missing: "SE", inside: `transaction set ${st}` }));
  } else if (gs) {
    errors.add(x12Error("truncated", end, "GE", { missing: "GE", inside: `functional group ${(gs as Gs).controlNumber}` }));
  } else if (isa) {
    errors.add(x12Error("truncated", end, "IEA", { missing: "IEA", inside: `interchange ${(isa as Isa).controlNumber}` }));
  }
  errors.throwIfAny();
}

function* detailSegment(
  t: OpenTransaction,
  s: X12Segment,
  errors: ErrorCollector,
  closeLine: (t: OpenTransaction) => Generator<X12Event>,
): Generator<X12Event> {
  const ctx = t.ctx;
  try {
    switch (s.tag) {
      case "BPR":
        ctx.bprAt = s;
        ctx.bpr = parseBpr(s);
        return;
      case "TRN":
        if (!ctx.trn) ctx.trn = parseTrn(s);
        break;
      case "ENT":
        yield* closeLine(t);
        t.entity = { ent: parseEnt(s), at: s, nm1: null, refs: [], coverage: null };
        return;
      case "NM1":
        if (t.entity && !t.open && !t.entity.nm1) t.entity.nm1 = parseNm1(s);
        break;
      case "N1":
        if (!t.entity) ctx.parties.push(parseN1(s));
        break;
      case "RMR": {
        yield* closeLine(t);
        if (!ctx.bpr) throw x12Error("missing_bpr", s, "BPR");
        const rmr = parseRmr(s);
        t.rmrCount += 1;
        t.rmrCents.push(rmr.paidCents);
        t.open = { sequence: t.rmrCount, at: s, rmr, transaction: ctx, entity: t.entity, coverage: null, refs: [], adjustments: [], raw: "" };
        break;
      }
      case "REF": {
        const ref = parseRef(s);
        (t.open ?? t.entity ?? ctx).refs.push(ref);
        break;
      }
      case "DTM": {
        const dtm = parseDtm(s);
        if (dtm.qualifier === "582") {
          if (t.open) t.open.coverage = dtm.period;
          else if (t.entity) t.entity.coverage = dtm.period;
          else ctx.coverage = dtm.period;
        } else if (dtm.qualifier === "097" && !t.open && !t.entity) {
          ctx.createdOn = dtm.period?.start ?? null;
        }
        break;
      }
      case "ADX": {
        const adjustment = { adx: parseAdx(s), at: s };
        t.adjustmentCents.push({ cents: adjustment.adx.amountCents, attached: t.open !== null });
        if (t.open) t.open.adjustments.push(adjustment);
        else yield { type: "adjustment", adjustment, transaction: ctx, entity: t.entity };
        break;
      }
      default:
        break;
    }
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    errors.add(error);
    t.tainted = true;
  }
  if (t.open) t.openRaw.push(s.raw);
}

function* checkTransaction(t: OpenTransaction, se: X12Segment, options: Read820Options, errors: ErrorCollector): Generator<X12Event> {
  const st = t.ctx.st;
  const trailer = parseTrailer(se);
  if (toCount(trailer.count) !== t.segments) {
    errors.add(x12Error("segment_count_mismatch", se, "SE01", { declared: trailer.count, parsed: t.segments, st: st.controlNumber }));
  }
  if (!sameControlNumber(trailer.controlNumber, st.controlNumber)) {
    errors.add(x12Error("control_number_mismatch", se, "SE02", { trailer: "SE02", declared: trailer.controlNumber, header: "ST02", expected: st.controlNumber }));
  }
  const adjustments = t.adjustmentCents.filter((a) => options.adjustmentBalance === "all" || (options.adjustmentBalance === "unattached" && !a.attached));
  const parsed = sumCents([...t.rmrCents, ...adjustments.map((a) => a.cents)]);
  const bpr = t.ctx.bpr;
  if (!bpr && !t.tainted) {
    errors.add(x12Error("missing_element", se, "BPR", { what: `the BPR segment of transaction set ${st.controlNumber}` }));
  }
  if (bpr && !t.tainted && bpr.totalCents !== parsed) {
    errors.add(
      x12Error("payment_total_mismatch", t.ctx.bprAt, "BPR02", {
        declared: centsToDecimal(bpr.totalCents),
        parsed: centsToDecimal(parsed),
        rmrs: t.rmrCount,
        adjustments: adjustments.length > 0 ? ` and ${adjustments.length} ADX01 amount(s)` : "",
      }),
    );
  }
  yield {
    type: "control",
    scope: "transaction",
    controlNumber: st.controlNumber,
    at: se,
    declared: { count: toCount(trailer.count), totalCents: bpr?.totalCents ?? null },
    parsed: { count: t.segments, totalCents: parsed },
    transaction: t.ctx,
  };
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
    errors.add(x12Error("control_number_mismatch", s, field, { trailer: field, declared: trailer.controlNumber, header: header.name, expected: header.controlNumber }));
  }
  return { type: "control", scope, controlNumber: header.controlNumber, at: s, declared: { count: declared, totalCents: null }, parsed: { count: parsed, totalCents: null } };
}

function toCount(value: string): number | null {
  return /^\d+$/.test(value) ? Number(value) : null;
}

/** Control numbers are compared as numbers when both are digits ("000000001" = "1"). */
function sameControlNumber(a: string, b: string): boolean {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) === BigInt(b);
  return a === b;
}
