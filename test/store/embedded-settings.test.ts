import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { DataSource } from "typeorm";
import { closeDatabase, openDatabase } from "../../src/store/data-source";

const SHARED_BUFFERS_LINE = /^shared_buffers\s*=\s*(\S+)/m;

async function sharedBuffers(db: DataSource): Promise<string> {
  const [row] = (await db.query(`SHOW shared_buffers`)) as { shared_buffers: string }[];
  return row.shared_buffers;
}

/** PostgreSQL's buffers live in the process's WASM memory, which never shrinks: the embedded database keeps them small. */
describe("embedded database: server settings", () => {
  let dir: string;
  let confPath: string;
  before(function () {
    if (process.env.DATABASE_URL) this.skip();
    dir = mkdtempSync(path.join(tmpdir(), "billpay-test-"));
    confPath = path.join(dir, "db", "postgresql.conf");
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("runs with 16MB of shared buffers, and initdb writes that into a new data folder", async function () {
    this.timeout(300_000);
    const db = await openDatabase({ dataDir: dir, url: "", migrate: false });
    try {
      expect(await sharedBuffers(db)).to.equal("16MB");
    } finally {
      await closeDatabase(db);
    }
    expect(readFileSync(confPath, "utf8").match(SHARED_BUFFERS_LINE)?.[1]).to.equal("16MB");
  });

  it("keeps 16MB on a data folder whose postgresql.conf says 128MB (written by an older version)", async () => {
    writeFileSync(confPath, readFileSync(confPath, "utf8").replace(SHARED_BUFFERS_LINE, "shared_buffers = 128MB"));
    const db = await openDatabase({ dataDir: dir, url: "", migrate: false });
    try {
      expect(await sharedBuffers(db)).to.equal("16MB");
    } finally {
      await closeDatabase(db);
    }
  });
});
