import { spawn, type ChildProcessByStdio } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import {
  nachaFileLines,
  RPPS_BATCH_HEADER,
  RPPS_FILE_HEADER,
  writeLines,
  type BatchSpec,
} from "../../adapters/nacha/generate";
import { zeroPad } from "../../adapters/nacha/fields";
import { hashFile } from "../../src/ingest/file-hash";
import { ingestFile, type IngestResult } from "../../src/ingest/pipeline";
import { PROJECT_ROOT } from "../../src/paths";
import { closeDatabase, openDatabase } from "../../src/store/data-source";

/**
 * The kill -9 drills' machinery, shared by the tests (test/ingest/kill-drill.test.ts,
 * test/match/kill-drill.test.ts) and scripts/kill-drill.ts: a database a child process can take
 * over, the child (test/support/drill-child.ts) and what a killed posting left.
 */

/**
 * The drill's database, on PostgreSQL (a URL: the child connects beside the drill) or embedded
 * (one process's: the drill closes it for the child and opens it again after the kill).
 */
export class DrillDatabase {
  private current: DataSource | null;

  constructor(
    db: DataSource,
    readonly url: string | null,
    readonly dataDir: string | null,
  ) {
    this.current = db;
  }

  get embedded(): boolean {
    return this.dataDir !== null;
  }

  get db(): DataSource {
    if (!this.current) throw new Error("the database is closed (handed to a child, or copied): take it back first");
    return this.current;
  }

  /** Environment for a child process on this database. */
  childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "error" };
    if (this.url) env.DATABASE_URL = this.url;
    else {
      delete env.DATABASE_URL;
      env.BILLPAY_DATA_DIR = this.dataDir ?? undefined;
    }
    return env;
  }

  /** Lets a child open the embedded database (PostgreSQL takes many sessions: nothing to do). */
  async handOver(): Promise<void> {
    if (!this.embedded || !this.current) return;
    await closeDatabase(this.current);
    this.current = null;
  }

  /** Opens the embedded database again after the child: PGlite recovers it as PostgreSQL would after a crash. */
  async takeBack(): Promise<DataSource> {
    this.current ??= await openDatabase(this.url ? { url: this.url } : { dataDir: this.dataDir ?? undefined, url: "" });
    return this.current;
  }

  /**
   * A copy of the database as it is now, for a run nobody kills to compare with: a new database
   * from this one as template on PostgreSQL (no session may be open on it meanwhile), a copy of the
   * data folder embedded. `serverUrl` is the server's maintenance database (DATABASE_URL). This
   * one is left closed: `takeBack` opens it when it is wanted.
   */
  async copy(serverUrl: string | null): Promise<DrillDatabase> {
    if (this.current) await closeDatabase(this.current);
    this.current = null;
    if (this.dataDir) {
      const dir = mkdtempSync(path.join(tmpdir(), "billpay-drill-copy-"));
      cpSync(this.dataDir, dir, { recursive: true });
      return new DrillDatabase(await openDatabase({ dataDir: dir, url: "" }), null, dir);
    }
    if (!this.url || !serverUrl) throw new Error("a PostgreSQL copy needs the database's and the server's URLs");
    const source = new URL(this.url).pathname.slice(1);
    const name = `${source}_copy`;
    await admin(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${source}`);
    const url = new URL(this.url);
    url.pathname = `/${name}`;
    return new DrillDatabase(await openDatabase({ url: url.toString() }), url.toString(), null);
  }

  /** Closes it and drops it: its data folder, or on PostgreSQL its database when `serverUrl` is given. */
  async dispose(serverUrl: string | null = null): Promise<void> {
    if (this.current) await closeDatabase(this.current);
    this.current = null;
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    else if (serverUrl && this.url)
      await admin(serverUrl, `DROP DATABASE IF EXISTS ${new URL(this.url).pathname.slice(1)} WITH (FORCE)`);
  }
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A line the child wrote, with when it came (ms since the child started). */
export interface ChildLine {
  at: number;
  text: string;
}

/** A run of test/support/drill-child.ts, to be killed with -9. */
export class DrillChild {
  readonly lines: ChildLine[] = [];
  private readonly started = Date.now();
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly ended: Promise<{ code: number | null; signal: string | null }>;
  private stderr = "";
  private waiting: { pattern: RegExp; resolve: (line: ChildLine) => void } | null = null;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "drill-child.ts"), ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    let partial = "";
    this.child.stdout.on("data", (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      for (const text of parts) this.heard({ at: Date.now() - this.started, text });
    });
    // Every line written before the end is read before `close`.
    this.ended = new Promise((resolve) =>
      this.child.once("close", (code, signal) => resolve({ code, signal: signal as string | null })),
    );
  }

  private heard(line: ChildLine): void {
    this.lines.push(line);
    if (this.waiting?.pattern.test(line.text)) {
      this.waiting.resolve(line);
      this.waiting = null;
    }
  }

  /** The first line matching `pattern`; fails if the child ends first. */
  async waitFor(pattern: RegExp): Promise<ChildLine> {
    const seen = this.lines.find((l) => pattern.test(l.text));
    if (seen) return seen;
    const line = new Promise<ChildLine>((resolve) => (this.waiting = { pattern, resolve }));
    const ended = this.ended.then(({ code, signal }) => {
      throw new Error(`the child ended (${code ?? signal}) before ${pattern}: ${this.transcript()}`);
    });
    return Promise.race([line, ended]);
  }

  /** Kills it with -9 (unless it ended already) and waits until it is gone; true if the kill ended it. */
  async kill(): Promise<boolean> {
    this.child.kill("SIGKILL");
    const { code, signal } = await this.ended;
    if (signal !== "SIGKILL" && code !== 0) throw new Error(`the child failed (${code}): ${this.transcript()}`);
    return signal === "SIGKILL";
  }

  /** Milliseconds since the child started. */
  now(): number {
    return Date.now() - this.started;
  }

  transcript(): string {
    return `${this.lines.map((l) => l.text).join(" | ")}${this.stderr ? ` | stderr: ${this.stderr.slice(-2000)}` : ""}`;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A posting file of the drill: RPPS payments whose traces no other variant shares. */
export interface DrillFile {
  path: string;
  entries: number;
  totalCents: number;
  sha256: string;
}

const DRILL_BATCH = 5000;

function* drillBatches(entries: number, variant: number): Generator<BatchSpec> {
  let r = (variant * 2654435761) >>> 0;
  const next = () => (r = (Math.imul(r, 1664525) + 1013904223) >>> 0);
  for (let start = 0, n = 0; start < entries; start += DRILL_BATCH, n++) {
    const size = Math.min(DRILL_BATCH, entries - start);
    yield {
      ...RPPS_BATCH_HEADER,
      companyDescriptiveDate: "240315",
      effectiveEntryDate: "240318",
      // The trace is the sender's id and a sequence: a sender per variant keeps files apart.
      originatingDfi: zeroPad(97_000_000 + variant * 100 + (n % 100), 8),
      entries: (function* () {
        for (let i = 0; i < size; i++)
          yield {
            amountCents: 5000 + (next() % 150_000),
            name: `MEMBER ${start + i}`,
            account: `7${zeroPad(next() % 1e8, 8)}`,
          };
      })(),
    };
  }
}

/** Writes drill file number `variant` (0-1439) of `entries` payments into `dir`. */
export async function writeDrillFile(dir: string, entries: number, variant: number): Promise<DrillFile> {
  const file = path.join(dir, `drill-${variant}.ach`);
  const totals = { entries: 0, debitCents: 0, creditCents: 0 };
  const lines = nachaFileLines(
    {
      ...RPPS_FILE_HEADER,
      fileCreationDate: "240318",
      // Another header identity per variant, so that no file reads as a resend of another.
      fileCreationTime: `${zeroPad(Math.floor(variant / 60), 2)}${zeroPad(variant % 60, 2)}`,
      fileIdModifier: "K",
      batches: drillBatches(entries, variant),
      blankHashAndBlockCount: false,
    },
    totals,
  );
  await writeLines(file, lines);
  const { sha256 } = await hashFile(file);
  return { path: file, entries: totals.entries, totalCents: totals.creditCents - totals.debitCents, sha256 };
}

/** What the database holds of one drill file: its ledger row (if any) and its payments. */
export interface FileFound {
  /** The ledger row's status, or null when there is none. */
  status: string | null;
  fileRows: number;
  payments: number;
  lines: number;
  cents: number;
  notActive: number;
  /** The ledger row's own figures (null when there is no row or it is not posted). */
  declared: { payments: number | null; cents: number | null };
  /** Payments in the whole table. */
  allPayments: number;
}

export async function fileFound(db: DataSource, file: DrillFile): Promise<FileFound> {
  const [row] = (await db.query(
    `SELECT (SELECT status FROM remittance_files WHERE aggregator = 'rpps' AND sha256 = $1) AS status,
            (SELECT count(*) FROM remittance_files WHERE aggregator = 'rpps' AND sha256 = $1)::int AS "fileRows",
            (SELECT payment_count FROM remittance_files WHERE aggregator = 'rpps' AND sha256 = $1) AS "declaredPayments",
            (SELECT total_cents::text FROM remittance_files WHERE aggregator = 'rpps' AND sha256 = $1) AS "declaredCents",
            count(p.id)::int AS payments, count(DISTINCT p.line)::int AS lines,
            coalesce(sum(p.amount_cents), 0)::text AS cents, count(*) FILTER (WHERE p.status <> 'active')::int AS "notActive",
            (SELECT count(*) FROM payments)::int AS "allPayments"
       FROM payments p JOIN remittance_files f ON f.id = p.file_id WHERE f.aggregator = 'rpps' AND f.sha256 = $1`,
    [file.sha256],
  )) as (Omit<FileFound, "cents" | "declared"> & {
    cents: string;
    declaredPayments: number | null;
    declaredCents: string | null;
  })[];
  const { declaredPayments, declaredCents, ...rest } = row;
  return {
    ...rest,
    cents: Number(row.cents),
    declared: { payments: declaredPayments, cents: declaredCents === null ? null : Number(declaredCents) },
  };
}

/** The file as the drill wants it after any run: posted, every payment once, its count and money, on one ledger row. */
export function postedWhole(found: FileFound, file: DrillFile, before: number): boolean {
  return (
    found.status === "posted" &&
    found.fileRows === 1 &&
    found.payments === file.entries &&
    found.lines === file.entries &&
    found.cents === file.totalCents &&
    found.notActive === 0 &&
    found.declared.payments === file.entries &&
    found.declared.cents === file.totalCents &&
    found.allPayments === before + file.entries
  );
}

/** The file as a kill may leave it instead: not posted, no payment of it anywhere. */
export function absent(found: FileFound, before: number): boolean {
  return found.status !== "posted" && found.payments === 0 && found.allPayments === before;
}

/** Where a posting is killed: when it has written `rows` rows in its transaction, or `ms` after it began. */
export type IngestKill = { rows: number } | { ms: number };

export interface IngestKillReport {
  /** Said as a person would: "at 12,000 of 30,000 rows" or "4,210 ms after ready". */
  moment: string;
  /** Whether the kill ended the child (false: it had finished first). */
  killed: boolean;
  /** When the child finished before the kill: how long its posting took (ready to done), in ms. */
  finishedMs: number | null;
  /** Rows the child said it had written before the kill. */
  rowsSaid: number;
  /** On PostgreSQL while the child waited mid-posting, its payments as another session sees them. */
  seenMidPosting: number | null;
  found: FileFound;
  state: "posted whole" | "absent" | "neither";
  rerun: { status: IngestResult["status"]; payments: number; duplicatePayments: number; ms: number };
  after: FileFound;
  exactlyOnce: boolean;
}

/**
 * Posts `file` in a child and kills it with -9 at `kill`; then reads what is left and posts the
 * file again, here, as the next run would. `before` is the payments table's count beforehand.
 */
export async function killIngest(
  d: DrillDatabase,
  file: DrillFile,
  kill: IngestKill,
  options: { batchSize?: number; before: number },
): Promise<IngestKillReport> {
  await d.handOver();
  const hangAt = "rows" in kill ? String(kill.rows) : "-";
  const child = new DrillChild(["ingest", file.path, hangAt, String(options.batchSize ?? "-")], d.childEnv());
  let seenMidPosting: number | null = null;
  let moment: string;
  if ("rows" in kill) {
    await child.waitFor(/^hanging$/);
    moment = `at ${kill.rows.toLocaleString("en-US")} of ${file.entries.toLocaleString("en-US")} rows`;
    if (!d.embedded) seenMidPosting = (await fileFound(await d.takeBack(), file)).payments;
  } else {
    const ready = await child.waitFor(/^ready$/);
    await sleep(Math.max(0, ready.at + kill.ms - child.now()));
    moment = `${kill.ms.toLocaleString("en-US")} ms after ready`;
  }
  const killed = await child.kill();
  const ready = child.lines.find((l) => l.text === "ready");
  const done = child.lines.find((l) => l.text.startsWith("done"));
  const finishedMs = ready && done ? done.at - ready.at : null;
  const rowsSaid = Math.max(0, ...child.lines.map((l) => Number(/^rows (\d+)$/.exec(l.text)?.[1] ?? 0)));
  const db = await d.takeBack();
  const found = await fileFound(db, file);
  const state = postedWhole(found, file, options.before)
    ? "posted whole"
    : absent(found, options.before)
      ? "absent"
      : "neither";
  const started = Date.now();
  const result = await ingestFile(db, { aggregator: "rpps", path: file.path }, { match: false });
  const rerun = {
    status: result.status,
    payments: result.payments,
    duplicatePayments: result.duplicatePayments,
    ms: Date.now() - started,
  };
  const after = await fileFound(db, file);
  const exactlyOnce = postedWhole(after, file, options.before);
  return { moment, killed, finishedMs, rowsSaid, seenMidPosting, found, state, rerun, after, exactlyOnce };
}
