import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import type { DataSource, QueryRunner } from "typeorm";
import { asFormatErrors } from "../adapter-kit/format-error";
import { log } from "../log";
import type { ControlRecord, ErrorRecord, FileStatus, PaymentKind } from "../model";
import { hashFile } from "./file-hash";
import { loadAggregatorMapping, type LoadedMapping } from "../config/mapping-loader";
import {
  emptySummary,
  netCents,
  readRemittance,
  type AssessedPayment,
  type KindTotal,
  type ParsedBankEntry,
  type ReadOptions,
  type ReadSummary,
} from "./read-remittance";
import { isPaymentConflict, PaymentWriter, type PostingMode } from "./payment-writer";
import { matchPostedFile } from "../match/matcher";
import type { PayeePolicy } from "../rules/payee-policy";
import { savePolicy } from "../store/payee-policies";
import { plannedRows } from "../store/sql";

export interface SourceInfo {
  kind: "sftp" | "local" | "cli";
  location: string;
  sizeBytes?: number;
  mtime?: Date | null;
}

export interface IngestRequest {
  aggregator: string;
  /** The file on local disk (already staged when it came from a remote source). */
  path: string;
  /** Name to record; defaults to the file's base name. */
  name?: string;
  mapping?: LoadedMapping;
  source?: SourceInfo;
  /** The content hash and size when the caller computed them while staging: the file is not read twice. */
  hashed?: { sha256: string; sizeBytes: number };
}

export interface IngestResult {
  status: FileStatus;
  fileId: string | null;
  aggregator: string;
  name: string;
  sha256: string | null;
  payments: number;
  totalCents: number;
  byKind: Partial<Record<PaymentKind, KindTotal>>;
  /** Payments that repeat one already posted from another file (stored, never counted twice). */
  duplicatePayments: number;
  errors: ErrorRecord[];
  warnings: ErrorRecord[];
}

export interface IngestOptions extends ReadOptions {
  /** Rows per COPY batch (default 5,000): what is held in memory of the file at once. */
  batchSize?: number;
  /**
   * Called after each batch is written inside the posting transaction. Lets an operator tool (or
   * a test) stop a posting part-way; whatever it throws rolls the whole file back.
   */
  afterBatch?: (written: number) => void | Promise<void>;
  /** Run the matching ladder after a file posts (default true; the benchmark times it apart). */
  match?: boolean;
}

/**
 * Ingests one file exactly once: claim by (aggregator, sha256), parse, rules, and every payment in
 * ONE transaction. Same bytes again → `duplicate`, nothing written. Format or control failure →
 * `quarantined` with the errors on the ledger row and no payments. Anything unexpected → `failed`
 * (rolled back and retryable) and rethrown.
 */
export async function ingestFile(
  db: DataSource,
  req: IngestRequest,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const result = await postFile(db, req, options);
  if (result.status === "posted") await refreshStatistics(db, result);
  // Matching runs after the commit, on its own connection (the embedded database has only one).
  if (result.status === "posted" && result.fileId && options.match !== false) await matchPostedFile(db, result.fileId);
  return result;
}

/** A posting of at least this many rows, and a tenth of the table's size, refreshes the planner's statistics. */
export const ANALYZE_AFTER_ROWS = 10_000;

/** The payment columns matching filters and joins on (src/match). */
const LOOKUP_COLUMNS = [
  "id",
  "file_id",
  "aggregator",
  "kind",
  "source_ref",
  "amount_cents",
  "settled_on",
  "account_number",
  "account_raw",
  "status",
  "match_status",
];

/**
 * Right after a file that grows the payments table by much, the planner still sees the table as
 * it was: measured on a 1M-entry file into an empty table, the first matching batch's
 * duplicate-hint lookups were planned as scans and took 47 s instead of 0.05 s, until autovacuum
 * caught up. ANALYZE samples a fixed number of rows (about 1.5 s at 1M rows), so it is only worth
 * it when the file is a large share of the table, as autovacuum's own threshold reasons. Only the
 * columns matching looks payments up by are analyzed: the wide ones (raw, details, findings) took
 * two thirds of its time (200k rows: 1.3 s of CPU, 0.44 s without them); autovacuum's own ANALYZE
 * covers them later.
 */
async function refreshStatistics(db: DataSource, result: IngestResult): Promise<void> {
  // Every payment row the file added, duplicates included (they are rows too, and counted in `payments`).
  const rows = result.payments;
  if (rows < ANALYZE_AFTER_ROWS) return;
  if (rows > (await plannedRows(db, "payments")) / 10)
    await db.query(`ANALYZE payments (${LOOKUP_COLUMNS.join(", ")})`);
}

type Transacted =
  | { kind: "posted"; result: IngestResult }
  | { kind: "duplicate" }
  | { kind: "rejected"; fileId: string; errors: ErrorRecord[]; controls: ControlRecord[]; warnings: ErrorRecord[] };

async function postFile(db: DataSource, req: IngestRequest, options: IngestOptions): Promise<IngestResult> {
  const loaded = req.mapping ?? loadAggregatorMapping(req.aggregator);
  const name = req.name ?? path.basename(req.path);
  const source = req.source ?? { kind: "cli", location: path.resolve(req.path) };
  const { sha256, sizeBytes } = req.hashed ?? (await hashFile(req.path));
  const claimRow: ClaimRow = {
    id: randomUUID(),
    aggregator: req.aggregator,
    adapter: loaded.adapter.id,
    name,
    sha256,
    sizeBytes,
    source,
    policy: loaded.policy,
  };
  const base = { aggregator: req.aggregator, name, sha256 };
  // The runner is released before any other query: the embedded database has one connection.
  const runner = db.createQueryRunner();
  let outcome: Transacted;
  try {
    await runner.connect();
    outcome = await postDirectOrStaged(runner, claimRow, req, loaded, options);
  } catch (error) {
    await runner.release();
    const message = (error as Error).message;
    await recordOutcome(db, {
      ...claimRow,
      status: "failed",
      errors: [{ code: "unexpected", line: null, field: null, message }],
    }).catch((e: unknown) => log.error("could not record failed file", { file: name, error: e }));
    throw error;
  }
  await runner.release();
  switch (outcome.kind) {
    case "posted":
      return outcome.result;
    case "duplicate":
      return duplicateResult(db, base);
    case "rejected": {
      const fileId = await recordOutcome(db, {
        ...claimRow,
        id: outcome.fileId,
        status: "quarantined",
        errors: outcome.errors,
        controls: outcome.controls,
        warnings: outcome.warnings,
      });
      log.warn("file quarantined", {
        aggregator: req.aggregator,
        file: name,
        fileId,
        errors: outcome.errors.length,
        first: outcome.errors[0],
      });
      return { ...emptyResult(base), status: "quarantined", fileId, errors: outcome.errors };
    }
  }
}

/**
 * Posts the file with its payments COPYed straight into `payments`. When one of them is active
 * already (a resend, a repeat inside the file, or another file posting it at this very moment),
 * that attempt is rolled back whole and the file is posted again from scratch through the staging
 * table, which stores such payments as duplicates: never half a file, never a payment lost.
 */
async function postDirectOrStaged(
  runner: QueryRunner,
  row: ClaimRow,
  req: IngestRequest,
  loaded: LoadedMapping,
  options: IngestOptions,
): Promise<Transacted> {
  try {
    return await postInTransaction(runner, row, req, loaded, options, "direct");
  } catch (error) {
    if (!isPaymentConflict(error)) throw error;
    log.info("file repeats an active payment; posting it again with duplicates", {
      aggregator: row.aggregator,
      file: row.name,
    });
    return postInTransaction(runner, row, req, loaded, options, "staged");
  }
}

/** Claim, parse, rules and every row of the file in one transaction; rolled back on any failure. */
async function postInTransaction(
  runner: QueryRunner,
  row: ClaimRow,
  req: IngestRequest,
  loaded: LoadedMapping,
  options: IngestOptions,
  mode: PostingMode,
): Promise<Transacted> {
  await runner.startTransaction();
  try {
    const fileId = await claim(runner, row);
    if (!fileId) {
      await runner.rollbackTransaction();
      return { kind: "duplicate" };
    }
    const writer = new BatchWriter(runner, fileId, row.aggregator, mode, options);
    // Kept when the file turns out bad: finance sees a quarantined file's declared against parsed figures.
    const summary = emptySummary();
    const formatErrors = await readIntoBatches(req.path, loaded, row, writer, { ...options, summary });
    if (formatErrors) {
      await runner.rollbackTransaction();
      return { kind: "rejected", fileId, errors: formatErrors, controls: summary.controls, warnings: summary.warnings };
    }
    const duplicatePayments = writer.duplicatePayments;
    const money = await markPosted(runner, row.aggregator, fileId, summary, duplicatePayments);
    await runner.commitTransaction();
    log.info("file posted", {
      aggregator: row.aggregator,
      file: row.name,
      fileId,
      payments: summary.payments,
      totalCents: money.totalCents,
      duplicatePayments,
    });
    return { kind: "posted", result: postedResult(row, fileId, summary, money, duplicatePayments) };
  } catch (error) {
    // On a connection the server cut (a restart mid-post) the rollback fails too; the server has
    // rolled back already, and the cut is the error to report, not the failed rollback.
    if (runner.isTransactionActive)
      await runner
        .rollbackTransaction()
        .catch((rollback: unknown) =>
          log.warn("rollback failed after a posting error", { file: row.name, error: (rollback as Error).message }),
        );
    throw error;
  }
}

/** Counts a file's rows into batches and ends each one inside the posting transaction. */
class BatchWriter {
  private inBatch = 0;
  private written = 0;
  private readonly batchSize: number;
  private readonly ledger: PaymentWriter;

  constructor(
    runner: QueryRunner,
    fileId: string,
    aggregator: string,
    mode: PostingMode,
    private readonly options: IngestOptions,
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.ledger = new PaymentWriter(runner, fileId, aggregator, mode);
  }

  /** Payments that repeat one already posted from another file. */
  get duplicatePayments(): number {
    return this.ledger.duplicates;
  }

  payment(p: AssessedPayment): Promise<void> | undefined {
    return this.counted(this.ledger.payment(p));
  }

  bankEntry(e: ParsedBankEntry): Promise<void> | undefined {
    this.ledger.bankEntry(e);
    return this.counted(undefined);
  }

  async flush(): Promise<void> {
    await this.ledger.endBatch();
    this.written += this.inBatch;
    this.inBatch = 0;
    await this.options.afterBatch?.(this.written);
  }

  abort(reason: Error): Promise<void> {
    return this.ledger.abort(reason);
  }

  /** Ends the batch once it is full, after the row's own wait (if any). */
  private counted(pending: Promise<void> | undefined): Promise<void> | undefined {
    if (++this.inBatch < this.batchSize) return pending;
    return pending ? pending.then(() => this.flush()) : this.flush();
  }
}

/** Reads the file through the rules into the writer. A format or control failure comes back as its errors; anything else is thrown. */
async function readIntoBatches(
  filePath: string,
  loaded: LoadedMapping,
  row: ClaimRow,
  writer: BatchWriter,
  options: ReadOptions,
): Promise<ErrorRecord[] | null> {
  try {
    await readRemittance(
      filePath,
      loaded,
      { name: row.name, aggregator: row.aggregator, sizeBytes: row.sizeBytes },
      {
        payment: (p) => writer.payment(p),
        bankEntry: (e) => writer.bankEntry(e),
      },
      options,
    );
    await writer.flush();
    return null;
  } catch (error) {
    // The batch's COPY may still be open: cancel it, or the connection could not roll back.
    await writer.abort(error as Error);
    const errors = asFormatErrors(error);
    if (!errors) throw error;
    return errors.map((e) => e.toJSON());
  }
}

type FileMoney = { totalCents: number; byKind: Partial<Record<PaymentKind, KindTotal>> };

/** Sets the claimed row to posted with its figures (still inside the transaction; the caller commits). */
async function markPosted(
  runner: QueryRunner,
  aggregator: string,
  fileId: string,
  summary: ReadSummary,
  duplicatePayments: number,
): Promise<FileMoney> {
  const sameIdentity = await earlierFileWithIdentity(runner, aggregator, summary.identity, fileId);
  if (sameIdentity) {
    summary.warnings.push({
      code: "same_file_identity",
      line: 1,
      field: null,
      message: `another file with the same header identity (${summary.identity}) was already received as ${sameIdentity.name} (${sameIdentity.id}); its payments are checked one by one for duplicates`,
    });
  }
  // Without duplicates the file's money is what was read: no need to sum a million rows back.
  const money = duplicatePayments
    ? await netOfDuplicates(runner, fileId)
    : { totalCents: summary.totalCents, byKind: summary.byKind };
  await runner.query(
    `UPDATE remittance_files SET status = 'posted', identity = $2, payment_count = $3, total_cents = $4, by_kind = $5,
       bank_entry_count = $6, controls = $7, warnings = $8, header = $9, errors = '[]', posted_at = now()
     WHERE id = $1`,
    [
      fileId,
      summary.identity,
      summary.payments,
      money.totalCents,
      JSON.stringify(money.byKind),
      summary.bankEntries,
      JSON.stringify(summary.controls),
      JSON.stringify(summary.warnings),
      JSON.stringify(summary.header),
    ],
  );
  return money;
}

function postedResult(
  row: ClaimRow,
  fileId: string,
  summary: ReadSummary,
  money: FileMoney,
  duplicatePayments: number,
): IngestResult {
  return {
    aggregator: row.aggregator,
    name: row.name,
    sha256: row.sha256,
    status: "posted",
    fileId,
    payments: summary.payments,
    totalCents: money.totalCents,
    byKind: money.byKind,
    duplicatePayments,
    errors: [],
    warnings: summary.warnings,
  };
}

/**
 * Records a file that could not even be read (over the size cap, vanished mid-download) as
 * quarantined, so it shows in the ledger and the report.
 */
export async function quarantineUnread(
  db: DataSource,
  req: {
    aggregator: string;
    name: string;
    sha256: string | null;
    sizeBytes: number;
    source: SourceInfo;
    errors: ErrorRecord[];
    adapter?: string;
  },
): Promise<IngestResult> {
  // A file we could not hash is keyed by a hash of what we know about it, so a retry finds the same row.
  const sha256 =
    req.sha256 ?? createHash("sha256").update(`unread:${req.source.location}:${req.sizeBytes}`).digest("hex");
  const base = { aggregator: req.aggregator, name: req.name, sha256 };
  const id = await recordOutcome(db, {
    id: randomUUID(),
    ...base,
    adapter: req.adapter ?? "none",
    sizeBytes: req.sizeBytes,
    source: req.source,
    status: "quarantined",
    errors: req.errors,
  });
  return { ...emptyResult(base), status: "quarantined", fileId: id, errors: req.errors };
}

interface ClaimRow {
  id: string;
  aggregator: string;
  adapter: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  source: SourceInfo;
  /** The payee policy the payments are assessed under; kept with the file for matching to use. Unread files have none. */
  policy?: PayeePolicy;
}

/**
 * Inserts the ledger row inside the posting transaction. A concurrent claimer of the same bytes
 * waits on the unique index until this transaction ends, then sees it as a duplicate. A row left
 * `failed` by an earlier attempt is taken over. Returns the row's id, or null for a duplicate.
 */
async function claim(runner: QueryRunner, row: ClaimRow): Promise<string | null> {
  const policyHash = row.policy ? await savePolicy(runner, row.policy) : null;
  const rows = (await runner.query(
    `INSERT INTO remittance_files (id, aggregator, adapter, name, sha256, size_bytes, status, source_kind, source_location, policy_hash)
     VALUES ($1, $2, $3, $4, $5, $6, 'failed', $7, $8, $9)
     ON CONFLICT (aggregator, sha256) DO UPDATE
       SET attempts = remittance_files.attempts + 1, name = EXCLUDED.name, adapter = EXCLUDED.adapter,
           source_kind = EXCLUDED.source_kind, source_location = EXCLUDED.source_location, errors = '[]',
           policy_hash = EXCLUDED.policy_hash
       WHERE remittance_files.status = 'failed'
     RETURNING id`,
    [
      row.id,
      row.aggregator,
      row.adapter,
      row.name,
      row.sha256,
      row.sizeBytes,
      row.source.kind,
      row.source.location,
      policyHash,
    ],
  )) as { id: string }[];
  return rows[0]?.id ?? null;
}

/** Writes a quarantined or failed outcome in its own transaction; never overwrites a posted file. */
async function recordOutcome(
  db: DataSource,
  row: ClaimRow & {
    status: "quarantined" | "failed";
    errors: ErrorRecord[];
    controls?: ControlRecord[];
    warnings?: ErrorRecord[];
  },
): Promise<string> {
  const rows = (await db.query(
    `INSERT INTO remittance_files (id, aggregator, adapter, name, sha256, size_bytes, status, source_kind, source_location, errors, controls, warnings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (aggregator, sha256) DO UPDATE
       SET status = EXCLUDED.status, errors = EXCLUDED.errors, controls = EXCLUDED.controls, warnings = EXCLUDED.warnings
       WHERE remittance_files.status = 'failed'
     RETURNING id`,
    [
      row.id,
      row.aggregator,
      row.adapter,
      row.name,
      row.sha256,
      row.sizeBytes,
      row.status,
      row.source.kind,
      row.source.location,
      JSON.stringify(row.errors),
      JSON.stringify(row.controls ?? []),
      JSON.stringify(row.warnings ?? []),
    ],
  )) as { id: string }[];
  if (rows[0]) return rows[0].id;
  const existing = (await db.query(`SELECT id FROM remittance_files WHERE aggregator = $1 AND sha256 = $2`, [
    row.aggregator,
    row.sha256,
  ])) as { id: string }[];
  return existing[0].id;
}

async function duplicateResult(
  db: DataSource,
  base: { aggregator: string; name: string; sha256: string },
): Promise<IngestResult> {
  const rows = (await db.query(`SELECT id, status FROM remittance_files WHERE aggregator = $1 AND sha256 = $2`, [
    base.aggregator,
    base.sha256,
  ])) as { id: string; status: string }[];
  log.info("file is a duplicate", {
    aggregator: base.aggregator,
    file: base.name,
    fileId: rows[0]?.id,
    firstOutcome: rows[0]?.status,
  });
  return { ...emptyResult(base), status: "duplicate", fileId: rows[0]?.id ?? null };
}

/**
 * A resend with new bytes (re-padded, re-blocked) but the same header identity (NACHA: origin +
 * creation date/time + modifier) is worth a warning; its payments are de-duplicated by identity.
 */
async function earlierFileWithIdentity(
  runner: QueryRunner,
  aggregator: string,
  identity: string | null,
  fileId: string,
): Promise<{ id: string; name: string } | null> {
  if (!identity) return null;
  const rows = (await runner.query(
    `SELECT id, name FROM remittance_files WHERE aggregator = $1 AND identity = $2 AND id <> $3 AND status = 'posted' ORDER BY received_at LIMIT 1`,
    [aggregator, identity, fileId],
  )) as { id: string; name: string }[];
  return rows[0] ?? null;
}

/** By-kind counts and net money of the file, leaving out payments that duplicate another file's. */
async function netOfDuplicates(
  runner: QueryRunner,
  fileId: string,
): Promise<{ totalCents: number; byKind: Partial<Record<PaymentKind, KindTotal>> }> {
  const rows = (await runner.query(
    `SELECT kind, count(*)::int AS count, coalesce(sum(amount_cents), 0)::text AS total
       FROM payments WHERE file_id = $1 AND status = 'active' GROUP BY kind`,
    [fileId],
  )) as { kind: PaymentKind; count: number; total: string }[];
  const byKind: Partial<Record<PaymentKind, KindTotal>> = {};
  let totalCents = 0;
  for (const r of rows) {
    const cents = Number(r.total);
    byKind[r.kind] = { count: r.count, totalCents: cents };
    totalCents += netCents(r.kind, cents);
  }
  return { totalCents, byKind };
}

function emptyResult(base: { aggregator: string; name: string; sha256: string | null }): IngestResult {
  return {
    ...base,
    status: "failed",
    fileId: null,
    payments: 0,
    totalCents: 0,
    byKind: {},
    duplicatePayments: 0,
    errors: [],
    warnings: [],
  };
}
