import type { Readable } from "node:stream";
import { ErrorCollector, FormatError } from "../../src/adapter-kit/format-error";
import { readLineChunks } from "../../src/adapter-kit/line-reader";
import { compareBatchControl, compareFileControl, RunningTotals } from "./controls";
import * as entryKinds from "./entry-kind";
import type { EntryKind } from "./entry-kind";
import { nachaError } from "./errors";
import * as fields from "./fields";
import type { NachaProfile } from "./profile";
import { isPaymentAddenda, parseAddenda, validateAddenda, type Addenda } from "./records/addenda";
import { parseBatchControl, validateBatchControl, type BatchControl } from "./records/batch-control";
import {
  BATCH_HEADER,
  entryLayoutOf,
  isReversalBatch,
  parseBatchHeader,
  validateBatchHeader,
  type BatchHeader,
} from "./records/batch-header";
import * as entryDetails from "./records/entry-detail";
import type { EntryDetail, EntryLayout } from "./records/entry-detail";
import * as fileControls from "./records/file-control";
import type { FileControl } from "./records/file-control";
import { parseFileHeader, validateFileHeader, type FileHeader } from "./records/file-header";
import type { Direction, TransactionCode } from "./transaction-codes";

// What every line or entry uses, bound once at load: under tsx (the bench, the tests) every use of
// an imported name is a getter lookup, a cost paid per line of a million-entry file.
const { entryKind, ZERO_AMOUNT_KINDS } = entryKinds;
const { RECORD_LENGTH } = fields;
const { ENTRY_DETAIL, hashContribution, parseEntryDetail, validateEntryDetail } = entryDetails;
const { parseFileControl, PADDING_LINE, validateFileControl } = fileControls;

/** One entry with its addenda, classified, in the context of its batch. */
export interface NachaEntry {
  line: number;
  detail: EntryDetail;
  addenda: Addenda[];
  batch: BatchHeader;
  batchLine: number;
  kind: EntryKind;
  direction: Direction;
  /** The batch's effective entry date, or (leniency) the file creation date for a return/NOC. */
  settledOn: string | null;
  effectiveDateMissing: boolean;
  /** The entry and its addenda as received, one per line. */
  raw: string;
}

export type NachaEvent =
  | { type: "file-header"; line: number; header: FileHeader }
  | { type: "entry"; line: number; entry: NachaEntry }
  | { type: "batch-control"; line: number; batch: BatchHeader; control: BatchControl; totals: RunningTotals }
  | { type: "file-control"; line: number; control: FileControl; totals: RunningTotals; batches: number };

interface OpenBatch {
  header: BatchHeader;
  line: number;
  totals: RunningTotals;
  entries: number;
  effectiveDateReported: boolean;
  /** An IAT batch: reported once, its records only counted (their layouts are not the domestic ones). */
  iat: boolean;
  /** Read once from the header rather than per entry. */
  layout: EntryLayout;
  reversal: boolean;
  /** What its entries settle on when the header has an effective date: one object for all of them. */
  onEffectiveDay: Settlement;
}

interface Settlement {
  settledOn: string | null;
  effectiveDateMissing: boolean;
}

const NOT_SETTLED: Settlement = { settledOn: null, effectiveDateMissing: false };

interface PendingEntry {
  detail: EntryDetail;
  line: number;
  addenda: Addenda[];
  /** The entry and its addenda as received, one per line. */
  raw: string;
  bad: boolean;
}

/**
 * The NACHA state machine, fed one line at a time and synchronous, so that a caller can run a
 * whole chunk of lines between two awaits. It collects every structural error (up to the
 * collector's cap) and emits an `entry` only for entries without errors of their own: once any
 * error exists the file is rejected anyway, so nothing downstream may rely on a partial result.
 */
export class NachaParser {
  readonly errors: ErrorCollector;
  private header: FileHeader | null = null;
  private batch: OpenBatch | null = null;
  private pending: PendingEntry | null = null;
  private readonly fileTotals = new RunningTotals();
  private batches = 0;
  /** Records up to the file control, padding excluded: what the block count counts. */
  private records = 0;
  private lastLine = 0;
  private fileControlSeen = false;
  private headerMissingReported = false;

  constructor(
    readonly profile: NachaProfile,
    errorCap = 100,
  ) {
    this.errors = new ErrorCollector(errorCap);
  }

  /** True once the error cap is reached: reading further cannot change the verdict. */
  get saturated(): boolean {
    return this.errors.truncated;
  }

  line(input: string, lineNo: number, out: NachaEvent[]): void {
    this.lastLine = lineNo;
    if (this.fileControlSeen) {
      if (input !== PADDING_LINE && input !== "") this.error(nachaError("data_after_file_control", lineNo, null));
      return;
    }
    if (input === PADDING_LINE) return;
    // U+FFFD comes only from the reader: bytes that were not UTF-8 in a file decided to be UTF-8.
    if (input.includes("\uFFFD")) this.error(nachaError("invalid_encoding", lineNo, null));
    let text = input;
    if (text.length < RECORD_LENGTH) {
      // Even when it is an error, go on with the padded line so the rest of the file is checked.
      if (!this.profile.padShortLines) this.error(nachaError("short_line", lineNo, null, { length: text.length }));
      text = text.padEnd(RECORD_LENGTH, " ");
    } else if (text.length > RECORD_LENGTH) {
      this.error(nachaError("long_line", lineNo, null, { length: text.length }));
      text = text.slice(0, RECORD_LENGTH);
    }
    this.records += 1;
    const type = text[0];
    if (this.records === 1 && type !== "1") {
      this.headerMissingReported = true;
      this.error(nachaError("missing_file_header", lineNo, null));
    }
    switch (type) {
      case "1":
        return this.fileHeader(text, lineNo, out);
      case "5":
        return this.batchHeader(text, lineNo, out);
      case "6":
        return this.entryDetail(text, input, lineNo, out);
      case "7":
        return this.addenda(text, input, lineNo);
      case "8":
        return this.batchControl(text, lineNo, out);
      case "9":
        return this.fileControl(text, lineNo, out);
      default:
        this.error(nachaError("unknown_record_type", lineNo, "recordTypeCode", { type }));
    }
  }

  /** Call after the last line: final structural checks, then throws FormatErrors if anything was wrong. */
  end(out: NachaEvent[]): void {
    this.finishEntry(out);
    if (this.lastLine === 0) this.error(nachaError("empty_file", 0, null));
    else {
      this.closeBatchWithoutControl(this.lastLine, out);
      if (!this.fileControlSeen) this.error(nachaError("missing_file_control", this.lastLine, null));
    }
    this.errors.throwIfAny();
  }

  private error(error: FormatError): void {
    this.errors.add(error);
    if (this.pending) this.pending.bad = true;
  }

  private errorsOf(list: readonly FormatError[]): void {
    for (const e of list) this.error(e);
  }

  private fileHeader(text: string, lineNo: number, out: NachaEvent[]): void {
    if (this.header || this.records > 1) {
      if (!this.headerMissingReported) this.error(nachaError("duplicate_file_header", lineNo, null));
      return;
    }
    const header = parseFileHeader(text, lineNo);
    this.errorsOf(validateFileHeader(header, this.profile, lineNo));
    this.header = header;
    out.push({ type: "file-header", line: lineNo, header });
  }

  private batchHeader(text: string, lineNo: number, out: NachaEvent[]): void {
    this.finishEntry(out);
    this.closeBatchWithoutControl(lineNo - 1, out);
    const header = parseBatchHeader(text, lineNo);
    this.errorsOf(validateBatchHeader(header, this.profile, lineNo));
    const iat = header.standardEntryClassCode === "IAT";
    if (iat) this.error(nachaError("iat_not_supported", lineNo, BATCH_HEADER.standardEntryClassCode.name));
    this.batch = {
      header,
      line: lineNo,
      totals: new RunningTotals(),
      entries: 0,
      effectiveDateReported: false,
      iat,
      layout: entryLayoutOf(header),
      reversal: isReversalBatch(header),
      onEffectiveDay: { settledOn: header.effectiveDay, effectiveDateMissing: false },
    };
  }

  private entryDetail(text: string, raw: string, lineNo: number, out: NachaEvent[]): void {
    this.finishEntry(out);
    const batch = this.batch;
    if (!batch) {
      this.error(nachaError("record_outside_batch", lineNo, null, { record: "entry detail record" }));
      return;
    }
    const detail = parseEntryDetail(text, lineNo, batch.layout);
    batch.entries += 1;
    batch.totals.addEntry(hashContribution(detail), detail.code?.direction ?? "credit", detail.amountCents ?? 0);
    // IAT keeps the receiving DFI, amount and trace where the domestic layouts have them, so its
    // controls are still checked; nothing else of it is read.
    if (batch.iat) return;
    this.pending = { detail, line: lineNo, addenda: [], raw, bad: false };
    this.errorsOf(validateEntryDetail(detail, this.profile, lineNo));
  }

  private addenda(text: string, raw: string, lineNo: number): void {
    this.batch?.totals.addAddenda();
    if (this.batch?.iat) return;
    const pending = this.pending;
    if (!pending || pending.detail.addendaRecordIndicator !== "1") {
      this.error(nachaError("unexpected_addenda", lineNo, null));
      return;
    }
    const addenda = parseAddenda(text, lineNo);
    this.errorsOf(validateAddenda(addenda, this.profile, lineNo));
    pending.addenda.push(addenda);
    pending.raw += "\n" + raw;
  }

  private batchControl(text: string, lineNo: number, out: NachaEvent[]): void {
    this.finishEntry(out);
    const batch = this.batch;
    if (!batch) {
      this.error(nachaError("record_outside_batch", lineNo, null, { record: "batch control record" }));
      return;
    }
    const control = parseBatchControl(text, lineNo);
    this.errorsOf(validateBatchControl(control, this.profile, lineNo));
    this.errorsOf(compareBatchControl(batch.totals, control, this.profile, lineNo));
    const h = batch.header;
    // IAT puts other fields where the domestic header has these: iat_not_supported said it all.
    if (!batch.iat) this.compareHeaderAndControl(h, control, lineNo);
    if (batch.entries === 0) this.error(nachaError("empty_batch", batch.line, null));
    out.push({ type: "batch-control", line: lineNo, batch: h, control, totals: batch.totals });
    this.closeBatch();
  }

  private compareHeaderAndControl(h: BatchHeader, control: BatchControl, lineNo: number): void {
    const pairs: [string, string, string][] = [
      ["serviceClassCode", h.serviceClassCode, control.serviceClassCode],
      ["companyIdentification", h.companyIdentification, control.companyIdentification],
      ["originatingDfi", h.originatingDfi, control.originatingDfi],
      ["batchNumber", h.batchNumber, control.batchNumber],
    ];
    for (const [name, header, declared] of pairs) {
      if (header !== declared) {
        this.error(nachaError("batch_header_control_mismatch", lineNo, name, { header, control: declared }));
      }
    }
  }

  private fileControl(text: string, lineNo: number, out: NachaEvent[]): void {
    this.finishEntry(out);
    this.closeBatchWithoutControl(lineNo - 1, out);
    const control = parseFileControl(text, lineNo);
    this.errorsOf(validateFileControl(control, this.profile, lineNo));
    this.errorsOf(compareFileControl(this.fileTotals, this.batches, this.records, control, this.profile, lineNo));
    this.fileControlSeen = true;
    out.push({ type: "file-control", line: lineNo, control, totals: this.fileTotals, batches: this.batches });
  }

  private closeBatch(): void {
    if (!this.batch) return;
    this.fileTotals.absorb(this.batch.totals);
    this.batches += 1;
    this.batch = null;
  }

  private closeBatchWithoutControl(endLine: number, out: NachaEvent[]): void {
    if (!this.batch) return;
    this.finishEntry(out);
    this.error(nachaError("missing_batch_control", this.batch.line, null, { endLine }));
    this.closeBatch();
  }

  /** The entry is complete (the next record is not its addenda): check it as a whole and emit it. */
  private finishEntry(out: NachaEvent[]): void {
    const p = this.pending;
    const batch = this.batch;
    if (!p || !batch) return;
    this.checkAddendaCount(p, batch);
    const d = p.detail;
    if (!d.code || d.amountCents === null) {
      this.pending = null;
      return;
    }
    const kind = this.classify(p, d.code, batch);
    const { settledOn, effectiveDateMissing } = this.settlementDay(p, kind, batch);
    this.pending = null;
    if (p.bad || kind === null) return;
    const entry: NachaEntry = {
      line: p.line,
      detail: d,
      addenda: p.addenda,
      batch: batch.header,
      batchLine: batch.line,
      kind,
      direction: d.code.direction,
      settledOn,
      effectiveDateMissing,
      raw: p.raw,
    };
    out.push({ type: "entry", line: p.line, entry });
  }

  private checkAddendaCount(p: PendingEntry, batch: OpenBatch): void {
    if (p.detail.addendaRecordIndicator === "1" && p.addenda.length === 0)
      this.error(nachaError("missing_addenda", p.line, null));
    const sec = batch.header.standardEntryClassCode;
    if (sec === "CIE" && p.addenda.length > 1 && p.addenda.filter(isPaymentAddenda).length > 1) {
      this.error(nachaError("too_many_addenda", p.line, null, { sec, max: 1 }));
    }
  }

  /** The entry's kind, with the errors of a code that disagrees with its addenda, amount or batch. */
  private classify(p: PendingEntry, code: TransactionCode, batch: OpenBatch): EntryKind | null {
    const d = p.detail;
    const kind = entryKind(code, p.addenda, batch.reversal);
    if (kind === null) {
      this.error(
        nachaError("return_without_addenda", p.line, ENTRY_DETAIL.transactionCode.name, { code: d.transactionCode }),
      );
    } else if (ZERO_AMOUNT_KINDS.has(kind) && d.amountCents !== 0) {
      this.error(
        nachaError("nonzero_amount", p.line, ENTRY_DETAIL.amount.name, {
          what: `a ${kind} entry`,
          cents: d.amountCents ?? 0,
        }),
      );
    }
    const serviceClass = batch.header.serviceClassCode;
    const direction = code.direction;
    if ((serviceClass === "220" && direction === "debit") || (serviceClass === "225" && direction === "credit")) {
      this.error(
        nachaError("service_class_mismatch", p.line, ENTRY_DETAIL.transactionCode.name, { serviceClass, direction }),
      );
    }
    return kind;
  }

  /** The batch's effective entry date, or (leniency) the file creation date for a return or NOC. */
  private settlementDay(p: PendingEntry, kind: EntryKind | null, batch: OpenBatch): Settlement {
    if (batch.header.effectiveDay !== null) return batch.onEffectiveDay;
    const leniency = this.profile.allowMissingEffectiveDateOnReturns;
    if (leniency && (kind === "return" || kind === "noc"))
      return { settledOn: this.header?.creationDay ?? null, effectiveDateMissing: true };
    if (leniency && !batch.effectiveDateReported) {
      // Under strict the batch header already reported it; here the first entry that needs it does.
      batch.effectiveDateReported = true;
      const value = batch.header.effectiveEntryDate;
      this.error(nachaError("invalid_effective_date", batch.line, BATCH_HEADER.effectiveEntryDate.name, { value }));
    }
    // An entry with no settlement day is never emitted.
    p.bad = true;
    return NOT_SETTLED;
  }
}

/**
 * Parses a whole NACHA stream into events, one at a time. Convenient for tests and tools; the
 * adapter drives NachaParser over line chunks itself to avoid one await per event.
 */
export async function* parseNacha(input: Readable, profile: NachaProfile): AsyncGenerator<NachaEvent> {
  const parser = new NachaParser(profile);
  for await (const events of nachaEventChunks(input, parser)) yield* events;
}

/** Drives a parser over a stream, yielding the events of each chunk of lines; throws FormatErrors at the end. */
export async function* nachaEventChunks(input: Readable, parser: NachaParser): AsyncGenerator<NachaEvent[]> {
  try {
    // UTF-8, else Windows-1252 (decided on the first line beyond ASCII), so that a position is a
    // character and an accented name keeps its letters. A line longer than 4096 characters is not
    // a NACHA file (or has no line breaks): stop rather than buffer it; a merely long record is
    // reported by the parser with its number.
    for await (const chunk of readLineChunks(input, { encoding: "auto", maxLineLength: 4096 })) {
      const out: NachaEvent[] = [];
      for (let i = 0; i < chunk.lines.length; i++) {
        parser.line(chunk.lines[i], chunk.firstLineNo + i, out);
        if (parser.saturated) break;
      }
      if (out.length) yield out;
      if (parser.saturated) break;
    }
  } catch (error) {
    // The reader gives up on an unbounded line; report it, under NACHA's own code, with whatever
    // was already found.
    if (!(error instanceof FormatError)) throw error;
    parser.errors.add(
      error.code === "line_too_long" ? new FormatError("long_line", error.line, null, error.message) : error,
    );
    parser.errors.throwIfAny();
  }
  if (parser.saturated) parser.errors.throwIfAny();
  const out: NachaEvent[] = [];
  parser.end(out);
  if (out.length) yield out;
}
