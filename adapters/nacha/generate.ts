import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { blockCount, RunningTotals } from "./controls";
import { zeroPad } from "./fields";
import { formatChangeAddenda, formatPaymentAddenda, formatReturnAddenda } from "./records/addenda";
import { formatBatchControl } from "./records/batch-control";
import { formatBatchHeader } from "./records/batch-header";
import { formatEntryDetail, type EntryLayout } from "./records/entry-detail";
import { formatFileControl, PADDING_LINE } from "./records/file-control";
import { formatFileHeader } from "./records/file-header";
import { transactionCode } from "./transaction-codes";

/**
 * Writes NACHA files from a declarative description, computing every count, total and hash, so
 * sample files and benchmark files are right by construction (scripts/make-rpps-samples.ts).
 */

export interface EntrySpec {
  /** Default "22" (a payment). */
  transactionCode?: string;
  amountCents: number;
  name: string;
  /** The member's account number as typed at the bank (CIE 55-76; other layouts 40-54). */
  account: string;
  /** Positions 13-29 (blank in RPPS files). */
  dfiAccountNumber?: string;
  /** One addenda 05 with this text. */
  note?: string;
  returned?: { reasonCode: string; originalTrace: string; originalDfi: string; information?: string };
  change?: { changeCode: string; originalTrace: string; originalDfi: string; correctedData: string };
}

export interface BatchSpec {
  serviceClassCode: "200" | "220" | "225";
  companyDiscretionaryData?: string;
  /** Default "CIE". */
  sec?: string;
  companyName: string;
  /** RPPS: the 10-digit Biller ID. */
  companyIdentification: string;
  companyEntryDescription: string;
  companyDescriptiveDate: string;
  effectiveEntryDate: string;
  /** The sender's 8-digit id: originating DFI and the first 8 digits of every trace. */
  originatingDfi: string;
  /** The 8-digit receiving DFI for every entry, or "" to leave positions 4-29 blank (RPPS). */
  receivingDfi: string;
  /** Any iterable, so a benchmark batch is generated as it is written. */
  entries: Iterable<EntrySpec>;
}

export interface FileSpec {
  immediateDestination: string;
  immediateOrigin: string;
  immediateDestinationName: string;
  immediateOriginName: string;
  fileCreationDate: string;
  fileCreationTime: string;
  fileIdModifier: string;
  batches: Iterable<BatchSpec>;
  /** RPPS leaves the entry hash and the block count blank; default true. */
  blankHashAndBlockCount?: boolean;
  /** Pad with all-9 lines to a multiple of 10 records; default true. */
  pad?: boolean;
  /** Each sender's first trace sequence number; default 1 (a return file continues from the last one it wrote). */
  firstSequence?: number;
  /** Told each entry's trace number as it is written. */
  onTrace?: (entry: EntrySpec, trace: string) => void;
}

export interface FileTotals {
  entries: number;
  debitCents: number;
  creditCents: number;
}

/** The file's lines, one at a time; `totals` is filled as they are produced. */
export function* nachaFileLines(
  spec: FileSpec,
  totals: FileTotals = { entries: 0, debitCents: 0, creditCents: 0 },
): Generator<string> {
  const blank = spec.blankHashAndBlockCount ?? true;
  const file = new RunningTotals();
  let batches = 0;
  // Trace numbers are unique in a file: each sender numbers its entries across all its batches.
  const sequences = new Map<string, number>();
  yield formatFileHeader(spec);
  for (const b of spec.batches) {
    batches += 1;
    file.absorb(yield* batchLines(b, batches, { sequences, totals, blank, spec }));
  }
  // File header, each batch's header and control, its entries and addenda, and the file control.
  const records = 1 + 2 * batches + file.count + 1;
  yield formatFileControl({
    batchCount: batches,
    blockCount: blank ? null : blockCount(records),
    entryAddendaCount: file.count,
    entryHash: blank ? null : file.hash,
    totalDebitCents: file.debitCents,
    totalCreditCents: file.creditCents,
  });
  if (spec.pad ?? true) for (let r = records; r % 10 !== 0; r++) yield PADDING_LINE;
}

/** What the batches of one file share while it is written. */
interface FileState {
  sequences: Map<string, number>;
  totals: FileTotals;
  blank: boolean;
  spec: FileSpec;
}

/** One batch, header to control; returns what it holds. */
function* batchLines(b: BatchSpec, batchNumber: number, state: FileState): Generator<string, RunningTotals> {
  const sec = b.sec ?? "CIE";
  const layout = sec === "CIE" ? "cie" : "standard";
  yield formatBatchHeader({ ...b, standardEntryClassCode: sec, batchNumber });
  const batch = new RunningTotals();
  let sequence = state.sequences.get(b.originatingDfi) ?? (state.spec.firstSequence ?? 1) - 1;
  for (const e of b.entries) {
    sequence += 1;
    const trace = b.originatingDfi + zeroPad(sequence, 7);
    state.spec.onTrace?.(e, trace);
    yield* entryLines(e, b, trace, layout, batch);
    const amount = e.amountCents;
    if (transactionCode(e.transactionCode ?? "22")?.direction === "debit") state.totals.debitCents += amount;
    else state.totals.creditCents += amount;
    state.totals.entries += 1;
  }
  state.sequences.set(b.originatingDfi, sequence);
  yield formatBatchControl({
    serviceClassCode: b.serviceClassCode,
    entryAddendaCount: batch.count,
    entryHash: state.blank ? null : batch.hash,
    totalDebitCents: batch.debitCents,
    totalCreditCents: batch.creditCents,
    companyIdentification: b.companyIdentification,
    originatingDfi: b.originatingDfi,
    batchNumber,
  });
  return batch;
}

/** One entry and its addenda, counted into the batch's totals. */
function* entryLines(
  e: EntrySpec,
  b: BatchSpec,
  trace: string,
  layout: EntryLayout,
  batch: RunningTotals,
): Generator<string> {
  const code = e.transactionCode ?? "22";
  const addenda = e.note !== undefined || e.returned !== undefined || e.change !== undefined;
  yield formatEntryDetail(
    {
      transactionCode: code,
      receivingDfi: b.receivingDfi,
      dfiAccountNumber: e.dfiAccountNumber,
      amountCents: e.amountCents,
      individualName: e.name,
      identification: e.account,
      addenda,
      traceNumber: trace,
    },
    layout,
  );
  batch.addEntry(
    b.receivingDfi ? Number(b.receivingDfi) : 0,
    transactionCode(code)?.direction ?? "credit",
    e.amountCents,
  );
  const lines: string[] = [];
  if (e.note !== undefined) lines.push(formatPaymentAddenda(e.note, 1, trace));
  if (e.returned)
    lines.push(
      formatReturnAddenda({
        ...e.returned,
        information: e.returned.information ?? "",
        dateOfDeath: null,
        traceNumber: trace,
      }),
    );
  if (e.change) lines.push(formatChangeAddenda({ ...e.change, traceNumber: trace }));
  for (const line of lines) {
    batch.addAddenda();
    yield line;
  }
}

/** Writes lines to a file in large writes, waiting for the disk when it falls behind. */
export async function writeLines(path: string, lines: Iterable<string>, eol = "\n"): Promise<void> {
  const out = createWriteStream(path);
  const done = once(out, "finish");
  let buffer: string[] = [];
  for (const line of lines) {
    buffer.push(line);
    if (buffer.length >= 2000) {
      if (!out.write(buffer.join(eol) + eol)) await once(out, "drain");
      buffer = [];
    }
  }
  if (buffer.length) out.write(buffer.join(eol) + eol);
  out.end();
  await done;
}

/** Deterministic pseudo-random numbers (a 32-bit LCG), so every benchmark file is the same. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/** The file header RPPS sends this payee (made-up routing and origin numbers). */
export const RPPS_FILE_HEADER = {
  immediateDestination: " 011000015",
  immediateOrigin: "9101036669",
  immediateDestinationName: "MA HEALTH CONNECTOR",
  immediateOriginName: "MASTERCARD RPPS",
} as const;

/** The batch header fields RPPS repeats in every batch for this payee (dates and the sender's DFI vary). */
export const RPPS_BATCH_HEADER = {
  serviceClassCode: "220",
  companyName: "MA HEALTH CONNECTOR",
  companyIdentification: "9001234567",
  companyEntryDescription: "RPSPAYMENT",
  receivingDfi: "01100001",
} as const;

const BENCH_BATCH_SIZE = 5000;

function* benchBatches(entries: number): Generator<BatchSpec> {
  const next = lcg(20240323);
  for (let start = 0, n = 0; start < entries; start += BENCH_BATCH_SIZE, n++) {
    const size = Math.min(BENCH_BATCH_SIZE, entries - start);
    const day = 18 + (n % 10);
    yield {
      ...RPPS_BATCH_HEADER,
      companyDescriptiveDate: `2403${zeroPad(day - 3, 2)}`,
      effectiveEntryDate: `2403${zeroPad(day, 2)}`,
      originatingDfi: zeroPad(99900000 + (n % 100), 8),
      entries: (function* () {
        for (let i = 0; i < size; i++) {
          const r = next();
          yield {
            amountCents: 5000 + (r % 150000),
            name: `MEMBER ${zeroPad(start + i, 7)}`,
            account: `7${zeroPad(r % 100000000, 8)}`,
          };
        }
      })(),
    };
  }
}

/**
 * A synthetic RPPS file of `entries` payments for the benchmark, generated while it is written so
 * that a million entries never sit in memory. Hash and block count are filled in, so the file is
 * valid under the strict profile too.
 */
export async function writeRppsFile(path: string, entries: number): Promise<{ entries: number; totalCents: number }> {
  const totals: FileTotals = { entries: 0, debitCents: 0, creditCents: 0 };
  const spec: FileSpec = {
    ...RPPS_FILE_HEADER,
    fileCreationDate: "240320",
    fileCreationTime: "2130",
    fileIdModifier: "A",
    batches: benchBatches(entries),
    blankHashAndBlockCount: false,
  };
  await writeLines(path, nachaFileLines(spec, totals));
  return { entries: totals.entries, totalCents: totals.creditCents - totals.debitCents };
}
