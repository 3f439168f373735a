import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import { closeDatabase, openDatabase } from "../../src/store/data-source";

export interface TestDatabase {
  db: DataSource;
  /** The URL of this test's own PostgreSQL database, or null on the embedded one. */
  url: string | null;
  /** The embedded database's data folder, or null on PostgreSQL. */
  dataDir: string | null;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server named by
 * DATABASE_URL (CI), else an embedded PGlite in a temp folder. Each test file gets its own, so
 * test files never see each other's rows.
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `billpay_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ url: url.toString() });
    return {
      db,
      url: url.toString(),
      dataDir: null,
      async close() {
        await closeDatabase(db);
        const c = new Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-test-"));
  const db = await openDatabase({ dataDir: dir, url: "" });
  return {
    db,
    url: null,
    dataDir: dir,
    async close() {
      await closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Environment for a child `billpay` process that must use the same database as the test. */
export function childEnv(t: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (t.url) env.DATABASE_URL = t.url;
  else {
    delete env.DATABASE_URL;
    env.BILLPAY_DATA_DIR = t.dataDir ?? undefined;
  }
  return env;
}
