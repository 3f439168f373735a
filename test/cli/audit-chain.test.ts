import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { closeDatabase, openDatabase } from "../../src/store/data-source";
import { billpay, cliDatabase } from "../match/cli-support";

/** Runs SQL on the CLI's database in this process (closed again before the next `billpay`). */
async function ownerSql(env: NodeJS.ProcessEnv, statements: string[]): Promise<void> {
  const db = await openDatabase(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { url: "", dataDir: env.BILLPAY_DATA_DIR as string },
  );
  try {
    for (const s of statements) await db.query(s);
  } finally {
    await closeDatabase(db);
  }
}

describe("billpay audit verify and audit head", function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-head-"));
  before(async () => {
    db = await cliDatabase();
    for (const name of ["rosa", "vera"]) {
      const added = billpay(db.env, "users", "add", name, "--role", "viewer");
      expect(added.code, added.stderr).to.equal(0);
    }
  });
  after(async () => db?.close());

  it("exports the head, verifies through it, and exits 1 naming the entry an owner edited", async () => {
    const headFile = path.join(dir, "head.json");
    const head = billpay(db.env, "audit", "head", "--out", headFile);
    expect(head.code, head.stderr).to.equal(0);
    const written = JSON.parse(readFileSync(headFile, "utf8")) as { seq: number; hash: string; at: string };
    expect(written.seq).to.equal(2);
    expect(written.hash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.parse(head.stdout)).to.deep.include({ seq: 2, hash: written.hash });

    const ok = billpay(db.env, "audit", "verify", "--head", headFile);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout)
      .to.contain("audit chain verified: 2 entries")
      .and.contain("passes through the exported head seq 2");

    await ownerSql(db.env, [
      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
      `UPDATE audit_log SET actor = 'mallory' WHERE id = (SELECT entry_id FROM audit_chain WHERE seq = 1)`,
      "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete",
    ]);
    const broken = billpay(db.env, "audit", "verify");
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.contain("audit chain broken: entry seq 1").and.contain("was changed");
  });

  it("refuses a head file that is not one, with exit 2", () => {
    const r = billpay(db.env, "audit", "verify", "--head", path.join(dir, "missing.json"));
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("cannot read the head file");
  });
});
