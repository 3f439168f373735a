import { Blob } from "node:buffer";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { QueryRunner } from "typeorm";
import { embeddedPglite } from "./data-source";

/**
 * One cell of a COPY row. null and undefined are SQL NULL; a string is the column's text as is; a
 * Date is written as an ISO timestamp; any other object (or array) is written as its JSON text, for
 * a jsonb column (a bare JSON string or number for jsonb is given as its JSON text, a string).
 */
export type CopyValue = string | number | bigint | boolean | Date | object | null | undefined;

/** Rows are grouped into chunks of about this many characters (one CopyData message each on PostgreSQL). */
const CHUNK_CHARS = 64 * 1024;

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const NEEDS_ESCAPE = /[\\\n\r\t]/;
const TO_ESCAPE = /[\\\n\r\t]/g;

/** A string as one field of PostgreSQL's COPY text format: backslash, newline, carriage return and tab escaped. */
function escapeText(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(TO_ESCAPE, (c) => ESCAPES[c]) : s;
}

/** One value as a COPY text field (`\N` for NULL). */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return "\\N";
  switch (typeof value) {
    case "string":
      return escapeText(value);
    case "number":
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "t" : "f";
    default:
      return escapeText(value instanceof Date ? value.toISOString() : JSON.stringify(value));
  }
}

/** One row as a line of COPY text, newline included. */
export function copyLine(row: readonly CopyValue[]): string {
  let line = "";
  for (let i = 0; i < row.length; i++) line += (i ? "\t" : "") + copyField(row[i]);
  return `${line}\n`;
}

/** Rows as COPY text, a chunk of whole lines at a time (the rows are read as the chunks are taken). */
export function* copyText(rows: Iterable<readonly CopyValue[]>, chunkChars = CHUNK_CHARS): Generator<string> {
  let chunk = "";
  for (const row of rows) {
    chunk += copyLine(row);
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function copyStatement(table: string, columns: readonly string[], source: "STDIN" | "'/dev/blob'"): string {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  }
  return `COPY ${table} (${columns.join(", ")}) FROM ${source}`;
}

/**
 * Writes rows into a table with COPY, on the runner's connection and so inside its transaction:
 * streamed through pg-copy-streams on PostgreSQL; on the embedded database (PGlite, one session)
 * handed over as a blob (`COPY … FROM '/dev/blob'`), which holds this call's rows only. Callers
 * pass a batch at a time. Each row has one value per column, in order.
 */
export async function copyRows(
  runner: QueryRunner,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  const pglite = embeddedPglite(runner.dataSource);
  if (pglite) await copyIntoPglite(pglite, copyStatement(table, columns, "'/dev/blob'"), rows);
  else await copyIntoPostgres(runner, copyStatement(table, columns, "STDIN"), rows);
}

/**
 * PGlite has one session: the query runs inside the transaction the runner opened on it (the
 * runner has no query in flight while its caller awaits this).
 */
async function copyIntoPglite(pglite: PGlite, sql: string, rows: Iterable<readonly CopyValue[]>): Promise<void> {
  const blob = new Blob([...copyText(rows)]);
  await pglite.query(sql, [], { blob });
}

async function copyIntoPostgres(runner: QueryRunner, sql: string, rows: Iterable<readonly CopyValue[]>): Promise<void> {
  // QueryRunner.connect() is typed Promise<any>; on the postgres driver it is the pg pool client the
  // runner holds (the same one its transaction runs on).
  const client = (await runner.connect()) as PoolClient;
  await pipeline(Readable.from(copyText(rows)), client.query(copyFrom(sql)));
}
