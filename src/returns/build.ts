import { createHash, randomUUID } from "node:crypto";
import type { DataSource, QueryRunner } from "typeorm";
import type { ReturnItem } from "../adapter-kit/returns";
import { findAdapter } from "../config/adapter-registry";
import { appendAudits } from "../match/audit-log";
import { recordDecisions } from "../match/decisions";
import { MATCH_LOCK } from "../match/matcher";
import type { IsoDate } from "../model/dates";
import { centsFromDb } from "../store/columns";
import { collectOverdue } from "./collect";
import { setMatchStatus } from "./payment-status";

export interface BuildRequest {
  aggregator: string;
  /** The building day: return-by days up to it are due, and the file is dated it. */
  on: IsoDate;
  /** HHMM for the file header. */
  at: string;
  by: string;
}

export interface BuiltFile {
  id: string;
  name: string;
  text: string;
  sizeBytes: number;
  entryCount: number;
  totalCents: number;
}

export interface BuildResult {
  /** Payments the deadline asked back in this run. */
  collected: number;
  /** Null when nothing was waiting to go back. */
  file: BuiltFile | null;
}

/** A payment asked back and not yet in a file, with what its return entry is made from. */
interface Pending {
  paymentId: string;
  reasonCode: string;
  note: string | null;
  amountCents: number;
  raw: string;
  payerName: string | null;
  accountRaw: string | null;
  details: Record<string, unknown>;
  header: Record<string, unknown>;
  adapter: string;
}

async function pendingReturns(runner: QueryRunner, aggregator: string): Promise<Pending[]> {
  const rows = (await runner.query(
    `SELECT r.payment_id AS "paymentId", r.reason_code AS "reasonCode", r.note, p.amount_cents::text AS "amountCents",
            p.raw, p.payer_name AS "payerName", p.account_raw AS "accountRaw", p.details, f.header, f.adapter
       FROM payment_returns r JOIN payments p ON p.id = r.payment_id JOIN remittance_files f ON f.id = p.file_id
      WHERE r.aggregator = $1 AND r.file_id IS NULL ORDER BY r.id FOR UPDATE OF r`,
    [aggregator],
  )) as (Omit<Pending, "amountCents"> & { amountCents: string })[];
  return rows.map((r) => ({ ...r, amountCents: centsFromDb(r.amountCents) }));
}

/** Which of the day's files the next one is (1, 2, …); it is named RET-<aggregator>-<YYYYMMDD>-<n>.ach. */
async function nextOfDay(runner: QueryRunner, aggregator: string, on: IsoDate): Promise<number> {
  const [row] = (await runner.query(
    `SELECT count(*)::int AS n FROM outbound_files WHERE aggregator = $1 AND built_on = $2::date`,
    [aggregator, on],
  )) as { n: number }[];
  return row.n + 1;
}

/** Trace sequences continue across an aggregator's files, so a return's trace names one return. */
async function nextSequence(runner: QueryRunner, aggregator: string): Promise<number> {
  const [row] = (await runner.query(
    `SELECT coalesce(max(right(trace_number, 7)::int), 0) + 1 AS n FROM payment_returns WHERE aggregator = $1 AND trace_number IS NOT NULL`,
    [aggregator],
  )) as { n: number }[];
  return row.n;
}

function writerFor(pending: Pending[], aggregator: string) {
  const adapters = [...new Set(pending.map((p) => p.adapter))];
  if (adapters.length !== 1)
    throw new Error(
      `aggregator ${aggregator}'s returns came in files of ${adapters.join(" and ")}: one file per format`,
    );
  const writer = findAdapter(adapters[0]).returns;
  if (!writer) throw new Error(`the ${adapters[0]} adapter cannot write a return file`);
  return writer;
}

/**
 * Collects what is due (past the deadline) and writes every payment waiting to go back into one
 * return file, stored in outbound_files for `returns send`; in one transaction, under the matching
 * lock, so that a resolution or a matching run never sees half of it.
 */
export async function buildReturns(db: DataSource, req: BuildRequest): Promise<BuildResult> {
  return db.transaction(async (tx) => {
    const runner = tx.queryRunner as QueryRunner;
    await runner.query(`SELECT pg_advisory_xact_lock($1)`, [MATCH_LOCK]);
    const collected = await collectOverdue(runner, req.aggregator, req.on, req.by);
    const pending = await pendingReturns(runner, req.aggregator);
    if (!pending.length) return { collected, file: null };
    const items: ReturnItem[] = pending.map((p) => ({
      paymentId: p.paymentId,
      amountCents: p.amountCents,
      raw: p.raw,
      payerName: p.payerName,
      accountRaw: p.accountRaw,
      details: p.details,
      reasonCode: p.reasonCode,
      information: p.note ?? "",
    }));
    const fileOfDay = await nextOfDay(runner, req.aggregator, req.on);
    const built = writerFor(pending, req.aggregator).build({
      originalHeader: pending[0].header,
      items,
      createdOn: req.on,
      createdAt: req.at,
      firstSequence: await nextSequence(runner, req.aggregator),
      fileOfDay,
    });
    const file: BuiltFile = {
      id: randomUUID(),
      name: `RET-${req.aggregator}-${req.on.replace(/-/g, "")}-${fileOfDay}.ach`,
      text: built.text,
      sizeBytes: Buffer.byteLength(built.text, "latin1"),
      entryCount: items.length,
      totalCents: built.totalCents,
    };
    await storeFile(runner, req, file, built.traces);
    return { collected, file };
  });
}

async function storeFile(runner: QueryRunner, req: BuildRequest, file: BuiltFile, traces: Map<string, string>) {
  await runner.query(
    `INSERT INTO outbound_files (id, aggregator, kind, name, content, size_bytes, sha256, entry_count, total_cents, built_on)
     VALUES ($1, $2, 'nacha_return', $3, $4, $5, $6, $7, $8, $9)`,
    [
      file.id,
      req.aggregator,
      file.name,
      file.text,
      file.sizeBytes,
      createHash("sha256").update(file.text, "latin1").digest("hex"),
      file.entryCount,
      file.totalCents,
      req.on,
    ],
  );
  const ids = [...traces.keys()];
  await runner.query(
    `UPDATE payment_returns r SET file_id = $1, trace_number = x.trace
       FROM unnest($2::uuid[], $3::text[]) AS x(payment_id, trace) WHERE r.payment_id = x.payment_id`,
    [file.id, ids, ids.map((id) => traces.get(id))],
  );
  await markReturned(runner, req.by, file, traces);
}

/** The payments are `returned`, each with a decision and an audit entry naming the file and the trace. */
async function markReturned(runner: QueryRunner, by: string, file: BuiltFile, traces: Map<string, string>) {
  const why = (id: string) => `returned in file ${file.name}, entry trace ${traces.get(id)}`;
  const ids = [...traces.keys()];
  const audits = await setMatchStatus(runner, ids, "returned", { actor: by, action: "returned", noteOf: why });
  await recordDecisions(
    runner,
    ids.map((id) => ({
      paymentId: id,
      invoiceId: null,
      rule: "returned",
      outcome: "returned" as const,
      appliedCents: 0,
      reason: why(id),
      decidedBy: by,
    })),
  );
  await appendAudits(runner, audits);
}
