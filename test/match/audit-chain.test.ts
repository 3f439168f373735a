import { expect } from "chai";
import type { QueryRunner } from "typeorm";
import { chainHead, GENESIS_HASH, verifyChain, type VerifyResult } from "../../src/match/audit-chain";
import { appendAudit, appendAudits, SYSTEM_ACTOR, type AuditChange } from "../../src/match/audit-log";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { log, logToFile } from "../../src/log";
import { logAuditHead } from "../../src/service/audit-head-log";
import { freshDatabase, type TestDatabase } from "../support/database";

function change(i: number, note: string | null = null): AuditChange {
  return {
    actor: SYSTEM_ACTOR,
    entity: "invoice",
    entityId: `inv-${i}`,
    action: "updated",
    before: { balance_cents: i, name: 'Zoë "quoted"\n\ttab', nested: { z: 1, a: [true, null, 1.5] } },
    after: { balance_cents: 0 },
    note,
  };
}

/** Runs raw SQL as the database owner could, verifies inside the same transaction, then rolls it all back. */
async function verifyTampered(t: TestDatabase, statements: string[]): Promise<VerifyResult> {
  const runner: QueryRunner = t.db.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    for (const s of statements) await runner.query(s);
    return await verifyChain(runner);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}

const OWNER_EDITS = "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete";
const OWNER_EDITS_CHAIN = "ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_no_update_delete";
const entryAt = (seq: number) => `(SELECT entry_id FROM audit_chain WHERE seq = ${seq})`;

describe("audit chain: a tamper-evident audit log", () => {
  let t: TestDatabase;
  before(async () => {
    t = await freshDatabase();
    await t.db.transaction(async (tx) => {
      for (let i = 1; i <= 3; i++) await appendAudit(tx, change(i, i === 2 ? "a note" : null));
    });
    await t.db.transaction(async (tx) =>
      appendAudits(
        tx.queryRunner!,
        [4, 5, 6, 7, 8].map((i) => change(i)),
      ),
    );
  });
  after(async () => t?.close());

  it("chains every committed entry in one sequence from the genesis hash, and verify walks it", async () => {
    const rows = (await t.db.query(`SELECT seq::int AS seq, prev_hash, hash FROM audit_chain ORDER BY seq`)) as {
      seq: number;
      prev_hash: string;
      hash: string;
    }[];
    expect(rows.map((r) => r.seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows[0].prev_hash).to.equal(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).to.equal(rows[i - 1].hash);
    const result = await verifyChain(t.db);
    expect(result.problem).to.equal(null);
    expect(result.ok).to.equal(true);
    expect(result.checked).to.equal(rows.length);
    expect(result.head).to.deep.equal(await chainHead(t.db));
  });

  it("keeps one chain when two writers commit at the same time", async () => {
    const before = (await chainHead(t.db))!.seq;
    const writer = (offset: number) =>
      t.db.transaction(async (tx) => {
        for (let i = 0; i < 5; i++) {
          await appendAudit(tx, change(offset + i));
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        await appendAudits(tx.queryRunner!, [change(offset + 10), change(offset + 11)]);
      });
    await Promise.all([writer(100), writer(200), writer(300)]);
    const result = await verifyChain(t.db);
    expect(result.problem?.message).to.equal(undefined);
    expect(result.head?.seq).to.equal(before + 21);
    // Each writer's entries stay together: the chain is appended a transaction at a time.
    const order = (await t.db.query(
      `SELECT left(a.entity_id, 5) AS w FROM audit_chain c JOIN audit_log a ON a.id = c.entry_id
        WHERE c.seq > $1 ORDER BY c.seq`,
      [before],
    )) as { w: string }[];
    const runs = order.filter((r, i) => i === 0 || r.w !== order[i - 1].w);
    expect(runs).to.have.length(3);
  });

  it("names an entry the owner edited", async () => {
    const result = await verifyTampered(t, [
      OWNER_EDITS,
      `UPDATE audit_log SET after = '{"balance_cents": 1}' WHERE id = ${entryAt(5)}`,
    ]);
    expect(result.ok).to.equal(false);
    expect(result.problem).to.include({ kind: "changed", seq: 5 });
    expect(result.checked).to.equal(4);
  });

  it("names an entry edited in a field only the canonical text shows (its time, to the microsecond)", async () => {
    const result = await verifyTampered(t, [
      OWNER_EDITS,
      `UPDATE audit_log SET at = at + interval '1 microsecond' WHERE id = ${entryAt(2)}`,
    ]);
    expect(result.problem).to.include({ kind: "changed", seq: 2 });
  });

  it("names an entry the owner removed, with its link or without", async () => {
    const entry = await verifyTampered(t, [OWNER_EDITS, `DELETE FROM audit_log WHERE id = ${entryAt(3)}`]);
    expect(entry.ok).to.equal(false);
    expect(entry.problem).to.include({ kind: "removed", seq: 3 });
    const both = await verifyTampered(t, [
      OWNER_EDITS,
      OWNER_EDITS_CHAIN,
      `DELETE FROM audit_log WHERE id = ${entryAt(3)}`,
      `DELETE FROM audit_chain WHERE seq = 3`,
    ]);
    expect(both.problem).to.include({ kind: "removed", seq: 3 });
  });

  it("names an entry the owner inserted outside the chain", async () => {
    const result = await verifyTampered(t, [
      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_pending",
      `INSERT INTO audit_log (actor, entity, entity_id, action, after) VALUES ('mallory', 'invoice', 'inv-x', 'updated', '{}')`,
    ]);
    expect(result.ok).to.equal(false);
    expect(result.problem?.kind).to.equal("unchained");
    expect(result.problem?.id).to.match(/^\d+$/);
  });

  it("names an entry the owner slipped into the middle with a well-formed hash", async () => {
    // The forger renumbers the links after seq 4 and chains a new entry as seq 5 to seq 4's hash.
    const result = await verifyTampered(t, [
      OWNER_EDITS_CHAIN,
      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_pending",
      `UPDATE audit_chain SET seq = seq + 1000000 WHERE seq > 4`,
      `UPDATE audit_chain SET seq = seq - 999999 WHERE seq > 1000000`,
      `INSERT INTO audit_log (at, actor, entity, entity_id, action, after) VALUES (now(), 'mallory', 'invoice', 'inv-x', 'updated', '{}')`,
      `INSERT INTO audit_chain (seq, entry_id, prev_hash, hash)
       SELECT 5, a.id, p.hash, encode(sha256(convert_to(p.hash || billpay_audit_canonical(5, a.id, a.at, a.actor, a.entity,
                a.entity_id, a.action, a.before, a.after, a.payment_id, a.note), 'UTF8')), 'hex')
         FROM audit_chain p, audit_log a WHERE p.seq = 4 AND a.actor = 'mallory'`,
    ]);
    expect(result.ok).to.equal(false);
    expect(result.problem).to.include({ kind: "inserted", seq: 5 });
    expect(result.problem?.message).to.contain("was inserted");
  });

  it("holds the log to an exported head: entries removed from its end are found", async () => {
    const head = (await chainHead(t.db))!;
    expect((await verifyChain(t.db, head)).ok).to.equal(true);
    const runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(OWNER_EDITS);
      await runner.query(OWNER_EDITS_CHAIN);
      await runner.query(`DELETE FROM audit_log WHERE id IN (SELECT entry_id FROM audit_chain WHERE seq >= $1)`, [
        head.seq - 1,
      ]);
      await runner.query(`DELETE FROM audit_chain WHERE seq >= $1`, [head.seq - 1]);
      expect((await verifyChain(runner)).ok, "without the head a shortened chain still verifies").to.equal(true);
      const result = await verifyChain(runner, head);
      expect(result.ok).to.equal(false);
      expect(result.problem).to.include({ kind: "head", seq: head.seq });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    const forged = await verifyChain(t.db, { ...head, hash: "f".repeat(64) });
    expect(forged.problem).to.include({ kind: "head", seq: head.seq });
  });

  it("refuses the application an UPDATE or DELETE of a link", async () => {
    for (const statement of [
      `UPDATE audit_chain SET hash = repeat('a', 64) WHERE seq = 1`,
      `DELETE FROM audit_chain`,
    ]) {
      let error: unknown = null;
      await t.db.query(statement).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain("audit_chain is append-only");
    }
  });

  it("logs the head as one line the log's redaction leaves whole", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "billpay-head-log-")), "log.jsonl");
    const transport = logToFile(file);
    try {
      await logAuditHead(t.db);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      log.remove(transport);
    }
    const head = (await chainHead(t.db))!;
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const logged = lines.filter((l) => l.message === "audit chain head");
    expect(logged).to.have.length(1);
    expect(logged[0]).to.include({ entries: head.seq, hash: head.hash, at: head.at });
  });
});
