import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A tamper-evident audit log (issue 14 item 2) and retention runs in it (item 3).
 *
 * Each entry gets `seq` (its place in the one chain of this database), `prev_hash` (the hash of
 * entry seq - 1; 64 zeros for the first) and `hash` = hex sha256 of the UTF-8 bytes of
 * prev_hash || canonical text, where the canonical text is PostgreSQL's text of the jsonb array
 *   [seq, at as "YYYY-MM-DDTHH:MI:SS.uuuuuuZ" in UTC, actor, entity, entity_id, action, before,
 *    after, payment_id, note]
 * (docs/audit-and-retention.md spells it out; src/match/audit-chain.ts rebuilds it to verify).
 *
 * Entries are chained when their transaction commits, not when they are inserted: a deferred
 * constraint trigger takes an advisory lock, reads the head, and numbers and hashes every entry
 * the transaction wrote in one pass and one UPDATE. Chaining at insert would hold the chain's lock
 * for the whole transaction — a file's posting inserts its ledger row (and so an entry) first —
 * and serialize every writer behind the longest one. The append-only trigger lets exactly that
 * UPDATE through: an entry's chain columns may be filled once, its content never changes.
 */
export class AuditChain1796001500000 implements MigrationInterface {
  name = "AuditChain1796001500000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text`);
    await q.query(`
      CREATE OR REPLACE FUNCTION billpay_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL
           AND (NEW.id, NEW.at, NEW.actor, NEW.entity, NEW.entity_id, NEW.action, NEW.before, NEW.after, NEW.payment_id, NEW.note)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.actor, OLD.entity, OLD.entity_id, OLD.action, OLD.before, OLD.after, OLD.payment_id, OLD.note)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE FUNCTION billpay_audit_canonical(
        seq bigint, at timestamptz, actor text, entity text, entity_id text, action text,
        before jsonb, after jsonb, payment_id uuid, note text
      ) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT jsonb_build_array(seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          actor, entity, entity_id, action, before, after, payment_id::text, note)::text
      $$`);
    await q.query(CHAIN_PENDING);
    await q.query(`
      CREATE FUNCTION billpay_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- The first entry of the transaction to fire chains them all; the rest find themselves done.
        IF NEW.id > coalesce(nullif(current_setting('billpay.audit_chained_to', true), '')::bigint, 0) THEN
          PERFORM billpay_audit_chain_pending();
        END IF;
        RETURN NULL;
      END $$`);
    // Entries written before the chain existed: chained now, in id order.
    await q.query(`SELECT billpay_audit_chain_pending()`);
    await q.query(`CREATE UNIQUE INDEX uq_audit_log_seq ON audit_log (seq)`);
    await q.query(`CREATE INDEX ix_audit_log_unchained ON audit_log (id) WHERE seq IS NULL`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER audit_log_chain AFTER INSERT ON audit_log
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billpay_audit_chain()`);
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
    await q.query(`DROP TRIGGER audit_log_chain ON audit_log`);
    await q.query(`DROP FUNCTION billpay_audit_chain()`);
    await q.query(`DROP FUNCTION billpay_audit_chain_pending()`);
    await q.query(
      `DROP FUNCTION billpay_audit_canonical(bigint, timestamptz, text, text, text, text, jsonb, jsonb, uuid, text)`,
    );
    await q.query(`
      CREATE OR REPLACE FUNCTION billpay_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash`);
  }
}

/**
 * Numbers and hashes this transaction's unchained entries after the head, under the chain's lock
 * (held to commit). Other transactions' entries are invisible until they commit, and they commit
 * chained, so `seq IS NULL` is exactly ours. A fresh snapshot per statement (READ COMMITTED) sees
 * the head the last holder of the lock committed; under a fixed snapshot the unique seq index
 * turns a stale head into an error, never a fork.
 */
const CHAIN_PENDING = `
  CREATE FUNCTION billpay_audit_chain_pending() RETURNS bigint LANGUAGE plpgsql AS $$
  DECLARE
    head_seq bigint := 0;
    head_hash text := repeat('0', 64);
    last_id bigint := 0;
    r record;
    ids bigint[] := '{}';
    seqs bigint[] := '{}';
    prevs text[] := '{}';
    hashes text[] := '{}';
  BEGIN
    PERFORM pg_advisory_xact_lock(7146020104);
    SELECT a.seq, a.hash INTO head_seq, head_hash FROM audit_log a WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
    IF NOT FOUND THEN
      head_seq := 0;
      head_hash := repeat('0', 64);
    END IF;
    FOR r IN SELECT * FROM audit_log a WHERE a.seq IS NULL ORDER BY a.id LOOP
      ids := ids || r.id;
      prevs := prevs || head_hash;
      head_seq := head_seq + 1;
      head_hash := encode(sha256(convert_to(head_hash || billpay_audit_canonical(head_seq, r.at, r.actor, r.entity,
        r.entity_id, r.action, r.before, r.after, r.payment_id, r.note), 'UTF8')), 'hex');
      seqs := seqs || head_seq;
      hashes := hashes || head_hash;
      last_id := r.id;
    END LOOP;
    UPDATE audit_log a SET seq = u.seq, prev_hash = u.prev, hash = u.hash
      FROM unnest(ids, seqs, prevs, hashes) AS u(id, seq, prev, hash)
     WHERE a.id = u.id;
    PERFORM set_config('billpay.audit_chained_to', greatest(last_id,
      coalesce(nullif(current_setting('billpay.audit_chained_to', true), '')::bigint, 0))::text, true);
    RETURN cardinality(ids);
  END $$`;
