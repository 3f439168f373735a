import "reflect-metadata";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { DataSource, type DataSourceOptions } from "typeorm";
import { log } from "../log";
import { dataDir } from "../paths";

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
    migrationsTableName: "billpay_migrations",
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
    const pglite = await PGlite.create(dir);
    config = {
      type: "postgres",
      ...common,
      poolSize: 1,
      extra: { ...createPgConfig(pglite), max: 1, billpayEmbedded: true, pglite },
    };
  }
  const db = new DataSource(config);
  await db.initialize();
  if (options.migrate !== false) {
    const ran = await migrateOnce(db, Boolean(url));
    if (ran.length) log.info("database migrated", { migrations: ran.map((m) => m.name.replace(/\d+$/, "")) });
  }
  return db;
}

/**
 * Runs pending migrations. On a shared PostgreSQL several instances may start together; a session
 * advisory lock lets one migrate while the others wait, then find nothing to do.
 */
export async function migrateOnce(db: DataSource, shared: boolean): Promise<{ name: string }[]> {
  if (!shared) return db.runMigrations({ transaction: "each" });
  const lock = db.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('billpay-migrations'))`);
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
