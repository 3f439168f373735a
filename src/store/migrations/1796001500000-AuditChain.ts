import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A tamper-evident audit log (issue 14 item 2), and retention runs recorded in it (item 3).
 *
 * Each audit entry gets one row in audit_chain: `seq` (its place in the one chain of this
 * database), `prev_hash` (the hash of seq - 1; 64 zeros for the first) and `hash` = hex sha256 of
 * the UTF-8 bytes of prev_hash || canonical text, where the canonical text is PostgreSQL's text of
 * the jsonb array
 *   [seq, id, at as "YYYY-MM-DDTHH:MI:SS.uuuuuuZ" in UTC, actor, entity, entity_id, action,
 *    before, after, payment_id, note]
 * (docs/audit-and-retention.md; src/match/audit-chain.ts rebuilds it to verify).
 *
 * Entries are chained when their transaction commits, not when inserted: a deferred constraint
 * trigger takes an advisory lock, reads the head, and numbers, hashes and links every entry the
 * transaction wrote in one INSERT. The deferred trigger sits on a one-row-per-
 * transaction table (audit_chain_pending), written by a statement trigger on audit_log: a row
 * trigger on audit_log itself would queue and fire one event per entry (about as dear as the
 * chaining). Chaining at insert would hold the chain's lock for
 * the whole transaction — a file's posting inserts its ledger row (and so an entry) first — and
 * queue every writer behind the longest. The links live beside the log, not in it, because filling
 * columns of the log at commit is an UPDATE of every entry: a second copy of each row in the table
 * and all six of its indexes (measured at about 3.5x the cost of writing the entries).
 */
export class AuditChain1796001500000 implements MigrationInterface {
  name = "AuditChain1796001500000";

  async up(q: QueryRunner): Promise<void> {
    // No foreign key to audit_log: it costs a look-up per link, and verify must be able to name
    // an entry an owner deleted from under its link. No CHECK on the hashes' form either: a regular
    // expression per row tripled the cost of writing the links, and verify recomputes them anyway.
    await q.query(`
      CREATE TABLE audit_chain (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        entry_id bigint NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION billpay_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_chain_no_update_delete BEFORE UPDATE OR DELETE ON audit_chain
      FOR EACH ROW EXECUTE FUNCTION billpay_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
      FOR EACH STATEMENT EXECUTE FUNCTION billpay_append_only()`);
    await q.query(`
      CREATE FUNCTION billpay_audit_canonical(
        seq bigint, id bigint, at timestamptz, actor text, entity text, entity_id text, action text,
        before jsonb, after jsonb, payment_id uuid, note text
      ) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT jsonb_build_array(seq, id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          actor, entity, entity_id, action, before, after, payment_id::text, note)::text
      $$`);
    for (const statement of CHAIN_PENDING) await q.query(statement);
    for (const statement of PENDING) await q.query(statement);
    // Entries written before the chain existed: chained now, in id order.
    await q.query(`SELECT billpay_audit_chain_pending(0)`);
    await q.query(`CREATE UNIQUE INDEX uq_audit_chain_entry ON audit_chain (entry_id)`);
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check`);
    await q.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check
        CHECK (entity IN ('file','payment','invoice','exception','invoice_import','user','retention'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check`);
    await q.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check
        CHECK (entity IN ('file','payment','invoice','exception','invoice_import','user'))`);
    await q.query(`DROP TRIGGER audit_log_pending ON audit_log`);
    await q.query(`DROP TABLE audit_chain_pending`);
    await q.query(`DROP FUNCTION billpay_audit_note_pending()`);
    await q.query(`DROP FUNCTION billpay_audit_chain()`);
    await q.query(`DROP FUNCTION billpay_audit_chain_pending(bigint)`);
    await q.query(`DROP AGGREGATE billpay_audit_chain_hash(text, text)`);
    await q.query(`DROP FUNCTION billpay_audit_chain_step(text, text, text)`);
    await q.query(
      `DROP FUNCTION billpay_audit_canonical(bigint, bigint, timestamptz, text, text, text, text, jsonb, jsonb, uuid, text)`,
    );
    await q.query(`DROP TABLE audit_chain`);
    await q.query(`DROP FUNCTION billpay_append_only()`);
  }
}

/**
 * The first INSERT (or COPY) into audit_log of a transaction notes it in audit_chain_pending, with
 * a lower bound of the ids it will get (the identity sequence only grows); the deferred trigger on
 * that row chains the transaction's entries at commit, then clears the note, so entries written
 * after a SET CONSTRAINTS ... IMMEDIATE are noted again. A rolled-back savepoint takes its note,
 * setting and queued event back together.
 */
const PENDING = [
  `CREATE TABLE audit_chain_pending (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, from_id bigint NOT NULL)`,
  `CREATE FUNCTION billpay_audit_note_pending() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     from_id bigint;
   BEGIN
     IF coalesce(current_setting('billpay.audit_pending', true), '') = '' THEN
       SELECT last_value INTO from_id FROM audit_log_id_seq;
       PERFORM set_config('billpay.audit_pending', from_id::text, true);
       INSERT INTO audit_chain_pending (from_id) VALUES (from_id);
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE FUNCTION billpay_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM billpay_audit_chain_pending(NEW.from_id);
     DELETE FROM audit_chain_pending WHERE from_id = NEW.from_id;
     PERFORM set_config('billpay.audit_pending', '', true);
     RETURN NULL;
   END $$`,
  `CREATE CONSTRAINT TRIGGER audit_chain_pending_chain AFTER INSERT ON audit_chain_pending
   DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billpay_audit_chain()`,
  `CREATE TRIGGER audit_log_pending BEFORE INSERT ON audit_log
   FOR EACH STATEMENT EXECUTE FUNCTION billpay_audit_note_pending()`,
];

/**
 * Links this transaction's entries (ids from `first_id` up, not yet linked) after the head, in one
 * statement, under the chain's lock (held to commit). The running hash is a window aggregate in
 * seq order. Other transactions' entries are invisible until they commit, and they commit linked,
 * so the unlinked ones are exactly ours. A fresh snapshot per statement (READ COMMITTED) sees the
 * head the last holder of the lock committed; under a fixed snapshot the primary key on seq turns
 * a stale head into an error, never a fork.
 */
const CHAIN_PENDING = [
  `CREATE FUNCTION billpay_audit_chain_step(state text, head text, canonical text) RETURNS text
   LANGUAGE plpgsql IMMUTABLE AS $$
   BEGIN
     RETURN encode(sha256(convert_to(coalesce(state, head) || canonical, 'UTF8')), 'hex');
   END $$`,
  `CREATE AGGREGATE billpay_audit_chain_hash(text, text) (sfunc = billpay_audit_chain_step, stype = text)`,
  `CREATE FUNCTION billpay_audit_chain_pending(first_id bigint) RETURNS bigint LANGUAGE plpgsql AS $$
   DECLARE
     head_seq bigint;
     head_hash text;
     linked bigint;
   BEGIN
     PERFORM pg_advisory_xact_lock(7146020104);
     SELECT c.seq, c.hash INTO head_seq, head_hash FROM audit_chain c ORDER BY c.seq DESC LIMIT 1;
     IF NOT FOUND THEN
       head_seq := 0;
       head_hash := repeat('0', 64);
     END IF;
     INSERT INTO audit_chain (seq, entry_id, prev_hash, hash)
     SELECT h.seq, h.id, coalesce(lag(h.hash) OVER (ORDER BY h.seq), head_hash), h.hash
       FROM (SELECT n.seq, n.id, billpay_audit_chain_hash(head_hash, billpay_audit_canonical(n.seq, n.id, n.at, n.actor,
                      n.entity, n.entity_id, n.action, n.before, n.after, n.payment_id, n.note))
                      OVER (ORDER BY n.seq ROWS UNBOUNDED PRECEDING) AS hash
               FROM (SELECT head_seq + row_number() OVER (ORDER BY a.id) AS seq, a.*
                       FROM audit_log a
                      WHERE a.id >= first_id AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.entry_id = a.id)) n) h;
     GET DIAGNOSTICS linked = ROW_COUNT;
     RETURN linked;
   END $$`,
];
