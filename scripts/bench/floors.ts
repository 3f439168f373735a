import { createReadStream } from "node:fs";
import { performance } from "node:perf_hooks";
import type { DataSource, QueryRunner } from "typeorm";
import { copyRows, type CopyValue } from "../../src/store/copy";

/** The read size the adapter is given in the parse step, and the floor reads with. */
export const CHUNK_BYTES = 64 * 1024;

/** What a floor did: how many rows, in how many seconds of the timed part. */
export interface FloorRun {
  rows: number;
  seconds: number;
}

/** What the floor hands out per entry: the four fields any consumer of an RPPS file needs. */
export interface SlicedEntry {
  amountCents: number;
  account: string;
  name: string;
  trace: string;
}

/**
 * The minimal-slice floor's entries: the least work any NACHA parser that delivers entries must do,
 * and nothing more (no validation, no controls, no other record). Streams the file in the same
 * chunks the adapter is given, splits each chunk into lines on LF keeping the unfinished line for
 * the next chunk, and for each entry record (type 6) builds one object with the amount as integer
 * cents, the account and the name (CIE positions, trimmed as the adapter delivers them) and the
 * trace, yielded one at a time from an async generator as the adapter's item stream yields its items.
 */
export async function* slicedEntries(file: string): AsyncGenerator<SlicedEntry> {
  let carry = "";
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES, encoding: "utf8" })) {
    const data = carry + (chunk as string);
    let from = 0;
    for (let end = data.indexOf("\n"); end !== -1; from = end + 1, end = data.indexOf("\n", from)) {
      const line = data.slice(from, end);
      if (line.charCodeAt(0) !== 54) continue; // "6": entry detail
      yield {
        amountCents: Number(line.slice(29, 39)),
        account: line.slice(54, 76).trim(),
        name: line.slice(39, 54).trim(),
        trace: line.slice(79, 94),
      };
    }
    carry = data.slice(from);
  }
}

/**
 * The minimal-slice floor: `slicedEntries` consumed with for-await, as the parse step consumes the
 * adapter's items. The sums keep the fields from being optimised away.
 */
export async function sliceFloor(file: string): Promise<FloorRun & { cents: number; chars: number }> {
  const start = performance.now();
  let rows = 0;
  let cents = 0;
  let chars = 0;
  for await (const entry of slicedEntries(file)) {
    cents += entry.amountCents;
    chars += entry.account.length + entry.name.length + entry.trace.length;
    rows += 1;
  }
  return { rows, seconds: (performance.now() - start) / 1000, cents, chars };
}

/** Rows read back per FETCH and written per COPY. */
const BATCH_ROWS = 5000;

/** The table's columns in order (what `LIKE … INCLUDING ALL` gives its clone). */
async function columnsOf(runner: QueryRunner, table: string): Promise<string[]> {
  const rows = (await runner.query(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' AND is_identity = 'NO'
      ORDER BY ordinal_position`,
    [table],
  )) as { column_name: string }[];
  return rows.map((r) => r.column_name);
}

/**
 * The COPY floor: the rows of `table` that `where` selects are copied into a clone of it
 * (`<table>_floor`, `LIKE … INCLUDING ALL`: the same columns, defaults, checks, indexes and storage
 * parameters; no foreign keys) with copyRows, a batch at a time, in one transaction, as posting writes. They are
 * read back through a cursor (every column as text, so nothing is reinterpreted), never all in
 * memory; only the COPYs and the commit are timed. The clone is dropped afterwards.
 */
export async function copyFloor(
  db: DataSource,
  table: "payments" | "invoices" | "match_decisions" | "audit_log",
  where: string,
  params: unknown[],
): Promise<FloorRun> {
  const clone = `${table}_floor`;
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`DROP TABLE IF EXISTS ${clone}`);
    await runner.query(`CREATE TABLE ${clone} (LIKE ${table} INCLUDING ALL)`);
    await copyStorageParameters(runner, table, clone);
    const columns = await columnsOf(runner, table);
    await runner.startTransaction();
    const run = await copyThroughCursor(runner, { table, clone, columns, where, params });
    const start = performance.now();
    await runner.commitTransaction();
    run.seconds += (performance.now() - start) / 1000;
    return run;
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.query(`DROP TABLE IF EXISTS ${clone}`);
    await runner.release();
  }
}

/** LIKE copies no storage parameters; the clone gets the table's (payments' and invoices' fillfactor). */
async function copyStorageParameters(runner: QueryRunner, table: string, clone: string): Promise<void> {
  const [{ options }] = (await runner.query(`SELECT reloptions AS options FROM pg_class WHERE oid = $1::regclass`, [
    table,
  ])) as { options: string[] | null }[];
  if (options?.length) await runner.query(`ALTER TABLE ${clone} SET (${options.join(", ")})`);
}

interface CopyPlan {
  table: string;
  clone: string;
  columns: string[];
  where: string;
  params: unknown[];
}

/** Reads the rows a batch at a time and copies each batch into the clone; times the COPYs only. */
async function copyThroughCursor(runner: QueryRunner, plan: CopyPlan): Promise<FloorRun> {
  const select = plan.columns.map((c) => `${c}::text`).join(", ");
  await runner.query(
    `DECLARE bench_floor NO SCROLL CURSOR FOR SELECT ${select} FROM ${plan.table} WHERE ${plan.where}`,
    plan.params,
  );
  let rows = 0;
  let seconds = 0;
  while (true) {
    const batch = (await runner.query(`FETCH ${BATCH_ROWS} FROM bench_floor`)) as Record<string, string | null>[];
    if (!batch.length) break;
    const values: CopyValue[][] = batch.map((r) => plan.columns.map((c) => r[c]));
    const start = performance.now();
    await copyRows(runner, plan.clone, plan.columns, values);
    seconds += (performance.now() - start) / 1000;
    rows += batch.length;
  }
  await runner.query(`CLOSE bench_floor`);
  return { rows, seconds };
}
