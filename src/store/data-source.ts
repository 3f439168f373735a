import "reflect-metadata";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { DataSource, type DataSourceOptions } from "typeorm";
import { log } from "../log";
import { dataDir } from "../paths";
import { DatabaseRefusal } from "./refusal";

export interface OpenOptions {
  /** PostgreSQL URL; defaults to DATABASE_URL. When absent, the embedded database is used. */
  url?: string;
  /** Data folder for the embedded database; defaults to BILLPAY_DATA_DIR or ./.billpay. */
  dataDir?: string;
  /** Run pending migrations on open (the CLI does; `db migrate` does it explicitly). */
  migrate?: boolean;
}

const ENTITIES = path.join(__dirname, "entities", "*.{ts,js}");
const MIGRATIONS = path.join(__dirname, "migrations", "*.{ts,js}");
const MIGRATIONS_TABLE = "billpay_migrations";

export function isEmbedded(db: DataSource): boolean {
  return (db.options as { extra?: { billpayEmbedded?: boolean } }).extra?.billpayEmbedded === true;
}

/** The PGlite instance behind the embedded database, or null on PostgreSQL. */
export function embeddedPglite(db: DataSource): PGlite | null {
  return (db.options as { extra?: { pglite?: PGlite } }).extra?.pglite ?? null;
}

/**
 * PostgreSQL when a URL is given, else PGlite in the data folder. PGlite runs in-process with one
 * session, so the pool is one connection: transactions queue instead of sharing a session (a
 * shared session would let one caller's rollback undo another's work).
 */
export async function openDatabase(options: OpenOptions = {}): Promise<DataSource> {
  const url = options.url ?? process.env.DATABASE_URL;
  const common = {
    entities: [ENTITIES],
    migrations: [MIGRATIONS],
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    logging: false,
  };
  let config: DataSourceOptions;
  if (url) {
    config = { type: "postgres", url, ...common, extra: { max: 10, billpayEmbedded: false } };
  } else {
    const dir = path.join(options.dataDir ?? dataDir(), "db");
    mkdirSync(dir, { recursive: true });
    const { PGlite } = await import("@electric-sql/pglite");
    const { createPgConfig } = await import("@electric-sql/pglite/node-postgres");
    const pglite = await PGlite.create(dir, embeddedStartOptions(PGlite.defaultStartParams));
    config = {
      type: "postgres",
      ...common,
      poolSize: 1,
      extra: { ...createPgConfig(pglite), max: 1, billpayEmbedded: true, pglite },
    };
  }
  const db = new DataSource(config);
  await db.initialize();
  if (options.migrate !== false) await migrateOrRefuse(db, Boolean(url));
  return db;
}

/** Runs pending migrations; refuses (closing the database) one it must not use. */
async function migrateOrRefuse(db: DataSource, shared: boolean): Promise<void> {
  try {
    let state = await migrationState(db);
    if (state.pending) {
      const ran = await migrateOnce(db, shared);
      if (ran.length) log.info("database migrated", { migrations: ran.map((m) => m.name.replace(/\d+$/, "")) });
      // Another instance may have migrated while this one waited for the lock: look again.
      state = await migrationState(db);
    }
    if (state.unknown.length) {
      log.error("refusing to start: the database was migrated by a newer billpay", {
        unknownMigrations: state.unknown,
      });
      throw new NewerDatabaseError(state.unknown);
    }
  } catch (error) {
    if (error instanceof DatabaseRefusal) await closeDatabase(db);
    throw error;
  }
}

/**
 * Checked before a PostgreSQL database is migrated, on open or by `billpay db migrate` (an embedded
 * one is always UTF8). A database made where no locale was set is SQL_ASCII: it stores any bytes,
 * and its lower() and regular expressions see bytes, so an accented payer name would match no member.
 */
async function refuseNonUtf8(db: DataSource): Promise<void> {
  const [{ encoding }] = (await db.query(`SELECT current_setting('server_encoding') AS encoding`)) as {
    encoding: string;
  }[];
  if (encoding === "UTF8") return;
  log.error("refusing to migrate: the database is not UTF8", { encoding });
  throw new DatabaseEncodingError(encoding);
}

export class DatabaseEncodingError extends DatabaseRefusal {
  constructor(readonly encoding: string) {
    super(
      `the database's encoding is ${encoding}; billpay needs UTF8 (payer names and remittance text are Unicode): create it with \`createdb -E UTF8 -T template0\` (or CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0) and point DATABASE_URL at it`,
    );
    this.name = "DatabaseEncodingError";
  }
}

/**
 * The database holds migrations this code does not have: a newer billpay migrated it. Its tables
 * may no longer be what this version writes, so it refuses to start rather than post into them.
 */
export class NewerDatabaseError extends DatabaseRefusal {
  constructor(readonly unknown: string[]) {
    super(
      `the database was migrated by a newer billpay (migrations this version does not know: ${unknown.join(", ")}); refusing to start: run the newer version`,
    );
    this.name = "NewerDatabaseError";
  }
}

/**
 * Server settings for the embedded database. PGlite runs PostgreSQL inside this process, in a WASM
 * memory that grows and never shrinks, so what PostgreSQL reserves is resident for the process's
 * life. Its default shared_buffers (128MB, written by initdb) is touched in full at start: 356 MB RSS
 * before any work, and a 1M-entry ingest peaked near its limit. The embedded database serves one
 * session; the OS page cache behind it does the caching shared_buffers would.
 */
const EMBEDDED_SETTINGS = ["shared_buffers=16MB"];

/**
 * PGlite's start options with EMBEDDED_SETTINGS: on the command line for every start (they
 * override an older data folder's postgresql.conf), and to initdb for a new folder (initdb runs its
 * own PostgreSQL in a second WASM memory, which costs its shared_buffers too).
 */
export function embeddedStartOptions(defaults: readonly string[]): {
  startParams: string[];
  initDbStartParams: string[];
} {
  const settings = EMBEDDED_SETTINGS.flatMap((setting) => ["-c", setting]);
  return { startParams: [...defaults, ...settings], initDbStartParams: settings };
}

/** PostgreSQL's undefined_table: the migrations table is not there yet. */
const UNDEFINED_TABLE = "42P01";

/**
 * Whether any migration this code has is missing from billpay_migrations (`pending`), and which
 * recorded ones this code does not have (`unknown`: a newer version migrated), in one cheap query:
 * an up-to-date database (nearly every start) skips TypeORM's migration machinery and its lock.
 * The whole list is compared, not only the newest name, so a migration merged with an older
 * timestamp is not skipped. A database without the table yet has everything pending.
 */
export async function migrationState(db: DataSource): Promise<{ pending: boolean; unknown: string[] }> {
  const known = new Set(db.migrations.map((m) => m.name ?? m.constructor.name));
  let recorded: { name: string }[];
  try {
    recorded = await db.query(`SELECT name FROM ${MIGRATIONS_TABLE}`);
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return { pending: true, unknown: [] };
    throw error;
  }
  const names = new Set(recorded.map((r) => r.name));
  return {
    pending: [...known].some((name) => !names.has(name)),
    unknown: [...names].filter((name) => !known.has(name)).sort(),
  };
}

export async function migrationsPending(db: DataSource): Promise<boolean> {
  return (await migrationState(db)).pending;
}

/**
 * Runs pending migrations. On a shared PostgreSQL several instances may start together; a session
 * advisory lock lets one migrate while the others wait, then find nothing to do. openDatabase comes
 * here only when migrationsPending says so; `billpay db migrate` always does.
 */
export async function migrateOnce(db: DataSource, shared: boolean): Promise<{ name: string }[]> {
  if (!shared) return db.runMigrations({ transaction: "each" });
  await refuseNonUtf8(db);
  const lock = db.createQueryRunner();
  await lock.connect();
  try {
    const [free] = (await lock.query(`SELECT pg_try_advisory_lock(hashtext('billpay-migrations')) AS locked`)) as {
      locked: boolean;
    }[];
    if (!free.locked) {
      log.info("waiting for another instance to finish migrating the database");
      await lock.query(`SELECT pg_advisory_lock(hashtext('billpay-migrations'))`);
    }
    return await db.runMigrations({ transaction: "each" });
  } finally {
    await lock.query(`SELECT pg_advisory_unlock(hashtext('billpay-migrations'))`).catch(() => undefined);
    await lock.release();
  }
}

/** Close the data source and, for the embedded database, the PGlite instance behind it. */
export async function closeDatabase(db: DataSource): Promise<void> {
  const pglite = embeddedPglite(db);
  if (db.isInitialized) await db.destroy();
  if (pglite) await pglite.close();
}
