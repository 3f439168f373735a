import type { DeclaredControl } from "../../src/adapter-kit/adapter";
import type { FormatError } from "../../src/adapter-kit/format-error";
import { nachaError, type ControlMismatchCode } from "./errors";
import type { NachaProfile } from "./profile";
import { BATCH_CONTROL, type BatchControl } from "./records/batch-control";
import { FILE_CONTROL, type FileControl } from "./records/file-control";
import type { Direction } from "./transaction-codes";

const HASH_MODULUS = 10_000_000_000;

/**
 * What a batch (or the whole file) actually holds, counted as the records stream past, to compare
 * with what its control record declares. Totals are plain numbers: a running total that could
 * lose precision (past 2^53) is far past the 12 digits a control can declare, so it mismatches anyway.
 */
export class RunningTotals {
  /** Entry and addenda records. */
  count = 0;
  /** Sum of the 8-digit receiving DFI ids, kept to its rightmost 10 digits. */
  hash = 0;
  debitCents = 0;
  creditCents = 0;

  addEntry(hashPart: number, direction: Direction, amountCents: number): void {
    this.count += 1;
    this.hash = (this.hash + hashPart) % HASH_MODULUS;
    if (direction === "debit") this.debitCents += amountCents;
    else this.creditCents += amountCents;
  }

  addAddenda(): void {
    this.count += 1;
  }

  /** Folds a closed batch into the file's totals. */
  absorb(batch: RunningTotals): void {
    this.count += batch.count;
    this.hash = (this.hash + batch.hash) % HASH_MODULUS;
    this.debitCents += batch.debitCents;
    this.creditCents += batch.creditCents;
  }

  /** Net money of the records: credits less debits (what the control item reports). */
  get netCents(): number {
    return this.creditCents - this.debitCents;
  }
}

/** A file is written in blocks of ten 94-character records. */
export function blockCount(records: number): number {
  return Math.ceil(records / 10);
}

type Comparison = [code: ControlMismatchCode, field: string, declared: number | null, parsed: number, skip?: boolean];

function compare(rows: Comparison[], lineNo: number): FormatError[] {
  const errors: FormatError[] = [];
  for (const [code, fieldName, declared, parsed, skip] of rows) {
    // null: the field did not parse, which validation already reported.
    if (skip || declared === null || declared === parsed) continue;
    errors.push(nachaError(code, lineNo, fieldName, { declared, parsed }));
  }
  return errors;
}

export function compareBatchControl(
  totals: RunningTotals,
  c: BatchControl,
  profile: NachaProfile,
  lineNo: number,
): FormatError[] {
  const f = BATCH_CONTROL;
  return compare(
    [
      ["batch_entry_count_mismatch", f.entryAddendaCount.name, c.entryAddendaCount, totals.count],
      [
        "batch_entry_hash_mismatch",
        f.entryHash.name,
        c.entryHash,
        totals.hash,
        c.entryHashBlank && profile.allowBlankEntryHash,
      ],
      ["batch_debit_total_mismatch", f.totalDebits.name, c.totalDebitCents, totals.debitCents],
      ["batch_credit_total_mismatch", f.totalCredits.name, c.totalCreditCents, totals.creditCents],
    ],
    lineNo,
  );
}

/** `records`: every record up to and including the file control (padding excluded). */
export function compareFileControl(
  totals: RunningTotals,
  batches: number,
  records: number,
  c: FileControl,
  profile: NachaProfile,
  lineNo: number,
): FormatError[] {
  const f = FILE_CONTROL;
  return compare(
    [
      ["file_batch_count_mismatch", f.batchCount.name, c.batchCount, batches],
      [
        "file_block_count_mismatch",
        f.blockCount.name,
        c.blockCount,
        blockCount(records),
        c.blockCountBlank && profile.allowBlankBlockCount,
      ],
      ["file_entry_count_mismatch", f.entryAddendaCount.name, c.entryAddendaCount, totals.count],
      [
        "file_entry_hash_mismatch",
        f.entryHash.name,
        c.entryHash,
        totals.hash,
        c.entryHashBlank && profile.allowBlankEntryHash,
      ],
      ["file_debit_total_mismatch", f.totalDebits.name, c.totalDebitCents, totals.debitCents],
      ["file_credit_total_mismatch", f.totalCredits.name, c.totalCreditCents, totals.creditCents],
    ],
    lineNo,
  );
}

/** Declared beside parsed, for the `control` items the finance report shows. */
export function declaredOf(c: BatchControl | FileControl): DeclaredControl {
  const net = c.totalCreditCents !== null && c.totalDebitCents !== null ? c.totalCreditCents - c.totalDebitCents : null;
  return { count: c.entryAddendaCount, totalCents: net, hash: c.entryHash === null ? null : String(c.entryHash) };
}

export function parsedOf(totals: RunningTotals): DeclaredControl {
  return { count: totals.count, totalCents: totals.netCents, hash: String(totals.hash) };
}
