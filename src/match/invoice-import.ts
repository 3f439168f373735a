import { Parser } from "csv-parse";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import type { DataSource } from "typeorm";
import { DEFAULT_PAYEE_POLICY } from "../rules/payee-policy-defaults";
import { type PayeePolicy } from "../rules/payee-policy";
import { decimalToCents, MoneyFormatError, PLAN_TYPES, type ErrorRecord, type PlanType } from "../model";
import { checkAccount } from "../rules/account";
import { isYearMonth } from "../rules/local-date";
import { SYSTEM_ACTOR } from "./audit-log";
import { INVOICE_COLUMNS } from "./invoice-columns";
import { closeImportRecord, openImportRecord } from "./invoice-import-record";
import { analyzeAfterBulkChange } from "./invoice-statistics";
import { BATCH_ROWS, InvoiceUpsert, type CheckedRow, type InvoiceInput } from "./invoice-upsert";

export type { InvoiceInput };

/**
 * Billing data import: one CSV row per invoice (a member's premium for one plan and one coverage
 * month). Columns, by header name:
 *   invoice, account_number, member_name, plan (health|dental), coverage_month (YYYY-MM),
 *   amount_due (decimal dollars), first_payment (yes|no|true|false|1|0, blank = no)
 * The file is streamed, and its rows upserted by invoice number in one transaction, in bulk (see
 * invoice-upsert.ts). A bad row is reported with its line and field, and then nothing is written
 * unless the caller asks to skip bad rows: then the good rows are imported. Importing the same
 * file again changes nothing.
 *
 * An import is audited as one entry (entity 'invoice_import'), not one per invoice it creates:
 * who created an invoice, and from what, is read from invoices.import_id and import_line → its
 * invoice_imports row (file name, sha256 of the file's bytes, actor, counts) → that entry; the
 * values it was created with can be checked against the file by its hash. Changes to known
 * invoices keep an entry each, with the changed fields before and after.
 */

export { INVOICE_COLUMNS };

export interface InvoiceImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: ErrorRecord[];
}

const YES = new Set(["yes", "y", "true", "1"]);
const NO = new Set(["no", "n", "false", "0", ""]);

/**
 * csv-parse's stream, each record pushed with the line it ends on. Its `info` option does so by
 * copying all its counters into two new objects per record: a third of the parse's time and much of
 * its garbage at a million rows. Here the counter is read as the record is pushed instead.
 */
class LineNumberedParser extends Parser {
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    return super.push(record === null ? null : { record, line: this.info.lines }, encoding);
  }
}

/** The cells checkRow reads, by column name (first_payment may be absent: blank). */
type CsvRow = Record<(typeof INVOICE_COLUMNS)[number], string>;

/**
 * Reads the billing CSV as a stream and checks each row: yields batches of rows that pass the
 * checks (at most `batchRows`), and records every refused row in `errors` by line and field. Rows
 * repeating an earlier one are the writer's to find (in the database), so memory is one batch
 * whatever the file's size. Hashes the file's bytes as they are read.
 */
export class InvoiceCsvReader {
  readonly errors: ErrorRecord[] = [];
  /** Data rows read, good or bad. */
  rows = 0;
  private readonly hash = createHash("sha256");
  private readToEnd = false;

  constructor(
    private readonly path: string,
    private readonly policy: PayeePolicy = DEFAULT_PAYEE_POLICY,
    private readonly batchRows = BATCH_ROWS,
  ) {}

  async *batches(): AsyncGenerator<CheckedRow[]> {
    const parser = this.open();
    let at: number[] | null = null;
    let batch: CheckedRow[] = [];
    try {
      for await (const { record, line } of parser) {
        if (!at) {
          at = this.columnsAt(record);
          if (!at) return;
          continue;
        }
        this.rows += 1;
        const checked = checkRow(cellsOf(record, at), line, this.policy);
        if ("code" in checked) this.errors.push(checked);
        else batch.push({ line, input: checked });
        if (batch.length >= this.batchRows) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      parser.destroy();
    }
  }

  /** The sha256 of the file's bytes, once it has been read to its end; else null. */
  sha256(): string | null {
    return this.readToEnd ? this.hash.digest("hex") : null;
  }

  /** The file's records with their lines, the header's first; its bytes are hashed as they are read. */
  private open(): AsyncIterable<{ record: string[]; line: number }> & { destroy(): void } {
    const file = createReadStream(this.path);
    file.on("data", (chunk) => this.hash.update(chunk));
    file.on("end", () => (this.readToEnd = true));
    return file.pipe(new LineNumberedParser({ trim: true, skip_empty_lines: true, bom: true })) as AsyncIterable<{
      record: string[];
      line: number;
    }> & { destroy(): void };
  }

  /** Where each column is in the header's cells, or null (and an error) when one is missing. */
  private columnsAt(header: string[]): number[] | null {
    const names = header.map((h) => h.trim().toLowerCase());
    const missing = INVOICE_COLUMNS.filter((c) => c !== "first_payment" && !names.includes(c));
    if (missing.length) {
      this.errors.push({
        code: "missing_column",
        line: 1,
        field: missing[0],
        message: `the header has no column ${missing.join(", ")}; expected ${INVOICE_COLUMNS.join(",")}`,
      });
      return null;
    }
    return INVOICE_COLUMNS.map((c) => names.indexOf(c));
  }
}

/** A record's cells by column name, `at` giving each column's place in the record (a literal: one object of one shape). */
function cellsOf(record: string[], at: number[]): CsvRow {
  return {
    invoice: record[at[0]] ?? "",
    account_number: record[at[1]] ?? "",
    member_name: record[at[2]] ?? "",
    plan: record[at[3]] ?? "",
    coverage_month: record[at[4]] ?? "",
    amount_due: record[at[5]] ?? "",
    first_payment: record[at[6]] ?? "",
  };
}

function invalid(line: number, field: string, message: string): ErrorRecord {
  return { code: "invalid_row", line, field, message };
}

/** The row as an invoice, or the first check it fails. */
function checkRow(r: CsvRow, line: number, policy: PayeePolicy): InvoiceInput | ErrorRecord {
  if (!r.invoice) return invalid(line, "invoice", "the invoice number is empty");
  const account = checkAccount(r.account_number ?? "", policy);
  if (account.accountNumber === null) return invalid(line, "account_number", `the account number ${account.reason}`);
  if (!r.member_name) return invalid(line, "member_name", "the member name is empty");
  const plan = (r.plan ?? "").toLowerCase();
  if (!(PLAN_TYPES as readonly string[]).includes(plan))
    return invalid(line, "plan", `plan must be ${PLAN_TYPES.join(" or ")}`);
  if (!isYearMonth(r.coverage_month ?? "")) return invalid(line, "coverage_month", "coverage month must be YYYY-MM");
  let amountDueCents: number;
  try {
    amountDueCents = decimalToCents(r.amount_due ?? "");
  } catch (error) {
    if (!(error instanceof MoneyFormatError)) throw error;
    return invalid(line, "amount_due", error.message);
  }
  if (amountDueCents <= 0) return invalid(line, "amount_due", "the amount due must be more than zero");
  const flag = (r.first_payment ?? "").toLowerCase();
  if (!YES.has(flag) && !NO.has(flag)) return invalid(line, "first_payment", "first_payment must be yes or no");
  return {
    invoiceNumber: r.invoice,
    accountNumber: account.accountNumber,
    memberName: r.member_name,
    plan: plan as PlanType,
    coverageMonth: r.coverage_month,
    amountDueCents,
    firstPayment: YES.has(flag),
  };
}

/**
 * Reads, checks and upserts the file's invoices in one transaction, a batch at a time as it is
 * read: the import recorded with its one audit entry, each change with its own. A bad row (refused
 * by the checks, repeating an earlier row or clashing with an invoice on file) means nothing is
 * written — the transaction is rolled back — and the errors are returned; with `skipBadRows` the
 * good rows are imported and the bad ones reported. A file without a needed column writes nothing.
 */
export async function importInvoices(
  db: DataSource,
  path: string,
  options: { actor?: string; policy?: PayeePolicy; skipBadRows?: boolean } = {},
): Promise<InvoiceImportResult> {
  const skipBadRows = options.skipBadRows === true;
  const actor = options.actor ?? SYSTEM_ACTOR;
  const fileName = basename(path);
  const reader = new InvoiceCsvReader(path, options.policy);
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const importId = await openImportRecord(runner, fileName, actor);
    const upsert = await InvoiceUpsert.open(runner, { actor, skipConflicts: skipBadRows, importId });
    await writeAsRead(reader, upsert, skipBadRows);
    const errors = [...reader.errors, ...upsert.conflicts].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const sha256 = reader.sha256();
    const written = upsert.written && (skipBadRows || !reader.errors.length) && sha256 !== null;
    const counts = written ? upsert.counts : { created: 0, updated: 0, unchanged: 0 };
    if (written) {
      const tally = { rows: reader.rows, ...counts, refused: errors.length };
      await closeImportRecord(runner, { id: importId, fileName, sha256, actor }, tally);
      await runner.commitTransaction();
      // New invoices' repair keys wait in the GIN index's pending list, which every look-up reads
      // through (34 ms after 100k new invoices, against 0.1 ms merged); merge them now, once.
      if (counts.created) await runner.query(`SELECT gin_clean_pending_list('ix_invoices_account_keys')`);
      await analyzeAfterBulkChange(runner, counts.created + counts.updated);
    } else await runner.rollbackTransaction();
    return { rows: reader.rows, ...counts, errors };
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  }
}

/**
 * Hands each batch to the writer while the next one is read and checked: the database works on
 * one batch while this process parses the next. Once a row is refused (and bad rows are not
 * skipped) the writer only checks, so that every bad row is still reported.
 */
async function writeAsRead(reader: InvoiceCsvReader, upsert: InvoiceUpsert, skipBadRows: boolean): Promise<void> {
  let pending: Promise<void> = Promise.resolve();
  try {
    for await (const batch of reader.batches()) {
      await pending;
      if (reader.errors.length && !skipBadRows) upsert.stopWriting();
      pending = upsert.write(batch);
      // Handled when awaited below; this only keeps a failure during the next read from going unnoticed twice.
      pending.catch(() => undefined);
    }
  } finally {
    await pending;
  }
}
