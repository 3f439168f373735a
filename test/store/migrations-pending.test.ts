import { expect } from "chai";
import { Client } from "pg";
import {
  closeDatabase,
  DatabaseEncodingError,
  migrationsPending,
  migrationState,
  NewerDatabaseError,
  openDatabase,
} from "../../src/store/data-source";
import { runBillpay } from "../cli/run-billpay";
import { freshDatabase, type TestDatabase } from "../support/database";

/** The cheap check on open: one query decides whether TypeORM's (locked) migration path runs at all. */
describe("migrations: the check on open", () => {
  let t: TestDatabase;
  let newest: string;
  before(async () => {
    t = await freshDatabase();
    newest = t.db.migrations
      .map((m) => m.name ?? m.constructor.name)
      .sort((a, b) => a.slice(-13).localeCompare(b.slice(-13)))
      .at(-1) as string;
  });
  after(async () => t?.close());

  it("finds nothing pending on a migrated database", async () => {
    expect(await migrationsPending(t.db)).to.equal(false);
  });

  it("finds the newest migration pending when it is not recorded, and an older one too", async () => {
    const [row] = (await t.db.query(`SELECT timestamp::text AS ts, name FROM billpay_migrations WHERE name = $1`, [
      newest,
    ])) as { ts: string; name: string }[];
    const [oldest] = (await t.db.query(
      `SELECT timestamp::text AS ts, name FROM billpay_migrations ORDER BY timestamp LIMIT 1`,
    )) as { ts: string; name: string }[];
    try {
      for (const r of [row, oldest]) {
        await t.db.query(`DELETE FROM billpay_migrations WHERE name = $1`, [r.name]);
        expect(await migrationsPending(t.db), r.name).to.equal(true);
        await t.db.query(`INSERT INTO billpay_migrations (timestamp, name) VALUES ($1, $2)`, [r.ts, r.name]);
        expect(await migrationsPending(t.db)).to.equal(false);
      }
    } finally {
      await t.db.query(
        `INSERT INTO billpay_migrations (timestamp, name) SELECT $1::bigint, $2::varchar WHERE NOT EXISTS (SELECT 1 FROM billpay_migrations WHERE name = $2)`,
        [row.ts, row.name],
      );
    }
  });

  it("finds everything pending when the migrations table is not there yet", async () => {
    await t.db.query(`ALTER TABLE billpay_migrations RENAME TO billpay_migrations_aside`);
    try {
      expect(await migrationsPending(t.db)).to.equal(true);
    } finally {
      await t.db.query(`ALTER TABLE billpay_migrations_aside RENAME TO billpay_migrations`);
    }
  });

  it("opens an up-to-date PostgreSQL database without waiting for the migration lock", async function () {
    if (!t.url) this.skip();
    // Another instance holds the lock (as while it migrates): the locked path would wait for it.
    const holder = t.db.createQueryRunner();
    await holder.connect();
    await holder.query(`SELECT pg_advisory_lock(hashtext('billpay-migrations'))`);
    const opening = openDatabase({ url: t.url as string });
    try {
      const timeout = new Promise<"waited">((resolve) => setTimeout(() => resolve("waited"), 5000).unref());
      const outcome = await Promise.race([opening, timeout]);
      expect(outcome, "openDatabase waited for the migration lock").not.to.equal("waited");
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtext('billpay-migrations'))`);
      await holder.release();
      await closeDatabase(await opening);
    }
  });

  describe("a migration this version does not know (a newer version migrated)", () => {
    const newer = "FromANewerVersion1899000000000";
    beforeEach(async () => {
      await t.db.query(`INSERT INTO billpay_migrations (timestamp, name) VALUES (1899000000000, $1)`, [newer]);
    });
    afterEach(async () => {
      await t.db.query(`DELETE FROM billpay_migrations WHERE name = $1`, [newer]);
    });

    it("is named by the check on open, nothing being pending", async () => {
      expect(await migrationState(t.db)).to.deep.equal({ pending: false, unknown: [newer] });
    });

    it("makes openDatabase refuse, naming it (the old/new version drill runs it end to end)", async function () {
      // The embedded database is this process's one session: a second open of it is not a thing to do.
      if (!t.url) this.skip();
      const opening = openDatabase({ url: t.url as string });
      await opening.then(
        async (db) => {
          await closeDatabase(db);
          expect.fail("opened a database a newer version migrated");
        },
        (error: unknown) => {
          expect(error).to.be.instanceOf(NewerDatabaseError);
          expect((error as Error).message).to.include(`does not know: ${newer}); refusing to start`);
        },
      );
    });
  });
});

describe("migrations: a PostgreSQL database not in UTF8", function () {
  const server = process.env.DATABASE_URL;
  const name = `billpay_ascii_${process.pid}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: server });
    await c.connect();
    try {
      return (await c.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  };
  before(async function () {
    // The embedded database is always UTF8.
    if (!server) this.skip();
    await admin(`CREATE DATABASE ${name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
  });
  after(async () => {
    if (server) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it("is refused before anything is created in it, saying how to make one that is", async () => {
    const url = new URL(server as string);
    url.pathname = `/${name}`;
    const error = await openDatabase({ url: url.toString() }).then(
      async (db) => {
        await closeDatabase(db);
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DatabaseEncodingError);
    expect((error as Error).message)
      .to.include("encoding is SQL_ASCII; billpay needs UTF8")
      .and.include("-E UTF8");
    const c = new Client({ connectionString: url.toString() });
    await c.connect();
    try {
      const tables = await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables.rows[0].n, "tables created").to.equal(0);
    } finally {
      await c.end();
    }
  });

  it("`billpay db migrate` says so in one line and exits 1, with no stack trace", () => {
    const url = new URL(server as string);
    url.pathname = `/${name}`;
    const r = runBillpay(["db", "migrate"], { ...process.env, DATABASE_URL: url.toString() });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/^billpay: the database's encoding is SQL_ASCII; billpay needs UTF8/m);
    expect(r.stderr).to.not.match(/\bat .*\.ts:\d+/);
  });
});
