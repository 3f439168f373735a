import { Blob } from "node:buffer";
import { finished } from "node:stream/promises";
import { once } from "node:events";
import type { PGlite } from "@electric-sql/pglite";
import type { PoolClient } from "pg";
import { from as copyFrom, type CopyStreamQuery } from "pg-copy-streams";
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
  const text = new ChunkedText(chunkChars);
  for (const row of rows) {
    const chunk = text.add(row);
    if (chunk !== null) yield chunk;
  }
  const rest = text.take();
  if (rest) yield rest;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function copyStatement(table: string, columns: readonly string[], source: "STDIN" | "'/dev/blob'"): string {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  }
  return `COPY ${table} (${columns.join(", ")}) FROM ${source}`;
}

/**
 * Writes rows into a table with COPY, on the runner's connection and so inside its transaction
 * (see openCopy). Callers pass a batch at a time. Each row has one value per column, in order.
 */
export async function copyRows(
  runner: QueryRunner,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  const sink = await openCopy(runner, table, columns);
  try {
    for (const row of rows) {
      const pending = sink.write(row);
      if (pending) await pending;
    }
  } catch (error) {
    await sink.abort(error as Error);
    throw error;
  }
  await sink.end();
}

/**
 * One COPY into a table, open while its rows are produced, so that no caller holds a batch of row
 * objects: each row becomes COPY text at once. Until `end` or `abort`, the connection runs nothing else.
 */
export interface CopySink {
  /** Adds a row; a promise when the database lags behind and the caller should wait before the next. */
  write(row: readonly CopyValue[]): Promise<void> | undefined;
  /** The COPY's rows are in the table (inside the transaction), or its error is thrown. */
  end(): Promise<void>;
  /** Cancels the COPY (none of its rows stay) and leaves the connection usable, e.g. to roll back. */
  abort(reason: Error): Promise<void>;
}

/**
 * Opens a COPY on the runner's connection: streamed through pg-copy-streams on PostgreSQL, each
 * chunk sent as it fills; on the embedded database (PGlite, one session) the chunks are kept and
 * handed over as a blob (`COPY … FROM '/dev/blob'`) by `end`, so there they hold one COPY's rows.
 */
export async function openCopy(runner: QueryRunner, table: string, columns: readonly string[]): Promise<CopySink> {
  const pglite = embeddedPglite(runner.dataSource);
  if (pglite) return new PgliteCopy(pglite, copyStatement(table, columns, "'/dev/blob'"));
  // QueryRunner.connect() is typed Promise<any>; on the postgres driver it is the pg pool client the
  // runner holds (the same one its transaction runs on).
  const client = (await runner.connect()) as PoolClient;
  return new PostgresCopy(client, copyStatement(table, columns, "STDIN"));
}

/** Rows gathered into chunks of whole lines of about `chunkChars` characters. */
class ChunkedText {
  private chunk = "";

  constructor(private readonly chunkChars = CHUNK_CHARS) {}

  /** Adds a row; returns a full chunk to send, or null. */
  add(row: readonly CopyValue[]): string | null {
    this.chunk += copyLine(row);
    return this.chunk.length >= this.chunkChars ? this.take() : null;
  }

  take(): string {
    const chunk = this.chunk;
    this.chunk = "";
    return chunk;
  }
}

/**
 * PGlite has one session: the query runs inside the transaction the runner opened on it (the
 * runner has no query in flight while its caller awaits this).
 */
class PgliteCopy implements CopySink {
  private readonly text = new ChunkedText();
  private chunks: string[] = [];

  constructor(
    private readonly pglite: PGlite,
    private readonly sql: string,
  ) {}

  write(row: readonly CopyValue[]): undefined {
    const chunk = this.text.add(row);
    if (chunk) this.chunks.push(chunk);
  }

  async end(): Promise<void> {
    const blob = new Blob([...this.chunks, this.text.take()]);
    this.chunks = [];
    await this.pglite.query(this.sql, [], { blob });
  }

  abort(): Promise<void> {
    this.chunks = [];
    this.text.take();
    return Promise.resolve();
  }
}

/**
 * A COPY FROM STDIN kept open on the client. A write that fills the socket's buffer makes the caller
 * wait for it to drain, so the text in memory stays a few chunks however fast rows come. The
 * database may refuse the COPY at any time (a unique violation): the next write or `end` throws it.
 */
class PostgresCopy implements CopySink {
  private readonly text = new ChunkedText();
  private readonly stream: CopyStreamQuery;
  private failure: Error | null = null;
  /** Settles when the COPY is over: finished, refused or cancelled. */
  private readonly done: Promise<void>;

  constructor(client: PoolClient, sql: string) {
    this.stream = client.query(copyFrom(sql));
    this.done = finished(this.stream).catch((error: Error) => {
      this.failure = error;
    });
  }

  write(row: readonly CopyValue[]): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const chunk = this.text.add(row);
    if (chunk === null || this.stream.write(chunk)) return undefined;
    return Promise.race([once(this.stream, "drain").then(() => undefined), this.done.then(() => this.check())]);
  }

  async end(): Promise<void> {
    const rest = this.text.take();
    if (!this.failure) this.stream.end(rest || undefined);
    await this.done;
    this.check();
  }

  async abort(reason: Error): Promise<void> {
    if (!this.stream.destroyed) this.stream.destroy(reason);
    await this.done;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
