import { expect } from "chai";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import { stringify } from "yaml";
import { MAPPINGS_DIR, PROJECT_ROOT } from "../../src/paths";
import { closeDatabase, openDatabase } from "../../src/store/data-source";
import { localInbound } from "../support/drills";
import { fileFound, postedWhole, writeDrillFile, type DrillFile } from "../support/kill-drill";

/**
 * Drill e: an old and a new version of billpay started against one PostgreSQL database. The new
 * version is a copy of this tree with one more migration; the old one is this tree. Both start at
 * once on an empty database: the migrations lock lets one migrate while the other waits, and an
 * old version that finds the new one's migration refuses to start. Either way the file is posted
 * exactly once. Then an old version started after the new one migrated refuses with a clear line
 * and posts nothing, and the new version posts the file it left.
 */

const NEWER_MIGRATION = "DrillNewerVersion1799000000000";

/** A copy of this tree with one migration more: the "new version". */
function newerTree(): string {
  const root = mkdtempSync(path.join(tmpdir(), "billpay-newer-"));
  for (const part of ["src", "adapters", "mappings", "package.json", "tsconfig.json"])
    cpSync(path.join(PROJECT_ROOT, part), path.join(root, part), { recursive: true });
  symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(root, "node_modules"));
  writeFileSync(
    path.join(root, "src", "store", "migrations", "1799000000000-DrillNewerVersion.ts"),
    [
      `import type { MigrationInterface, QueryRunner } from "typeorm";`,
      `export class ${NEWER_MIGRATION} implements MigrationInterface {`,
      `  name = "${NEWER_MIGRATION}";`,
      `  async up(q: QueryRunner): Promise<void> {`,
      `    await q.query("CREATE TABLE drill_newer_version (id int PRIMARY KEY)");`,
      `  }`,
      `  async down(q: QueryRunner): Promise<void> {`,
      `    await q.query("DROP TABLE drill_newer_version");`,
      `  }`,
      `}`,
      ``,
    ].join("\n"),
  );
  return root;
}

/** How many migrations this tree (the old version) has. */
function ownMigrations(): number {
  return readdirSync(path.join(PROJECT_ROOT, "src", "store", "migrations")).filter((f) => f.endsWith(".ts")).length;
}

interface Run {
  code: number | null;
  stderr: string;
  /** The JSON log lines' messages. */
  messages: string[];
  /** The migrations its "database migrated" line names (none when it migrated nothing). */
  migrated: string[];
}

/** `billpay ingest` of the tree at `root`, in a child process. */
function ingest(root: string, config: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "src", "cli.ts"), "ingest", "-c", config], {
    cwd: root,
    env: { ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.once("close", (code) => {
      const lines = stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { message?: string; migrations?: string[] });
      const messages = lines.map((l) => String(l.message));
      const migrated = lines.find((l) => l.message === "database migrated")?.migrations ?? [];
      resolve({ code, stderr, messages, migrated });
    }),
  );
}

describe("drill: an old and a new version started against one database", function () {
  this.timeout(120_000);
  if (!process.env.DATABASE_URL) {
    // Several instances, and versions mixed in a rollout, share a PostgreSQL database; an embedded
    // data folder is one process's. The refusal on open is the same code on both (test/store/migrations-pending.test.ts).
    it("is skipped on the embedded database: it runs in the PostgreSQL pass", function () {
      this.skip();
    });
    return;
  }
  const serverUrl = process.env.DATABASE_URL as string;
  const folder = localInbound();
  const dataDir = mkdtempSync(path.join(tmpdir(), "billpay-drill-data-"));
  const config = path.join(folder.root, "billpay.yaml");
  let newer: string;
  let url = "";
  let env: NodeJS.ProcessEnv;

  const open = (): Promise<DataSource> =>
    // This test process is the old version: `migrate: false` opens the newer database to read it.
    openDatabase({ url, migrate: false });
  const found = async (file: DrillFile) => {
    const db = await open();
    try {
      const [m] = (await db.query(
        `SELECT count(*)::int AS n, count(DISTINCT name)::int AS names, bool_or(name = $1) AS newer FROM billpay_migrations`,
        [NEWER_MIGRATION],
      )) as { n: number; names: number; newer: boolean }[];
      return { file: await fileFound(db, file), migrations: m };
    } finally {
      await closeDatabase(db);
    }
  };

  before(async () => {
    newer = newerTree();
    writeFileSync(
      config,
      stringify({
        aggregators: {
          rpps: {
            mapping: path.join(MAPPINGS_DIR, "rpps.yaml"),
            source: { ...folder.source, pattern: "*.ach", minAgeSeconds: 0, settleMs: 100 },
          },
        },
      }),
    );
    // Staging in a folder of the drill's; the database is an empty one: the two versions race to migrate it.
    env = { ...process.env, BILLPAY_DATA_DIR: dataDir };
    const name = `billpay_drill_versions_${process.pid}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    env.DATABASE_URL = url;
    mkdirSync(folder.archive);
  });
  after(async () => {
    if (url) {
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
      await admin.end();
    }
    for (const dir of [newer, folder.root, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("started together: one migrates, the other waits or refuses, and the file is posted once", async function () {
    const file = await writeDrillFile(folder.inbound, 2000, 24);
    const [fresh, old] = await Promise.all([ingest(newer, config, env), ingest(PROJECT_ROOT, config, env)]);
    expect(fresh.code, fresh.stderr).to.equal(0);
    expect(fresh.messages).to.include("database migrated");
    const refused = old.messages.includes("refusing to start: the database was migrated by a newer billpay");
    if (refused) expect(old.stderr).to.include(`migrations this version does not know: ${NEWER_MIGRATION}`);
    // Two `billpay ingest` runs may race to the same file: the second to commit finds a duplicate,
    // and whichever moves second finds the file gone ("already moved by another instance"), no error.
    expect(old.code, old.stderr).to.equal(refused ? 1 : 0);
    expect(old.stderr).to.not.include("unexpected failure");
    // Every migration was run by exactly one of them, as their "database migrated" lines say: the
    // second waited for the lock ("waiting for another instance…") or found the first's work done.
    expect(fresh.migrated).to.include(NEWER_MIGRATION.replace(/\d+$/, ""));
    expect(
      fresh.migrated.filter((m) => old.migrated.includes(m)),
      "migrated twice",
    ).to.deep.equal([]);
    expect(fresh.migrated.length + old.migrated.length).to.equal(ownMigrations() + 1);
    const after = await found(file);
    expect(after.migrations, "each migration recorded once").to.include({ newer: true });
    expect(after.migrations.n).to.equal(after.migrations.names);
    expect(postedWhole(after.file, file, 0), JSON.stringify(after.file)).to.equal(true);
    expect(existsSync(file.path)).to.equal(false);
  });

  it("an old version started after the new one migrated refuses clearly and posts nothing; the new one posts the file once", async () => {
    const file = await writeDrillFile(folder.inbound, 2000, 25);
    const postedBefore = (await found(file)).file.allPayments;
    const old = await ingest(PROJECT_ROOT, config, env);
    expect(old.code).to.equal(1);
    expect(old.messages).to.include("refusing to start: the database was migrated by a newer billpay");
    expect(old.stderr).to.include(
      `billpay: the database was migrated by a newer billpay (migrations this version does not know: ${NEWER_MIGRATION}); refusing to start`,
    );
    expect(old.stderr).to.not.include("unexpected failure");
    expect(existsSync(file.path), "the file is left for the next poll").to.equal(true);

    const fresh = await ingest(newer, config, env);
    expect(fresh.code, fresh.stderr).to.equal(0);
    // Posted by the new version, not found a duplicate of something the old one wrote.
    expect(fresh.messages).to.include("file posted");
    expect(postedWhole((await found(file)).file, file, postedBefore), "posted once").to.equal(true);
  });
});
