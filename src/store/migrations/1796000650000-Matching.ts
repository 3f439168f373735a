import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Billing data, match decisions, the exception queue and the append-only audit log (issue 6).
 * The audit log refuses UPDATE, DELETE and TRUNCATE in the database itself, so no code path (and
 * no person with a SQL prompt and the application's role) can rewrite history by accident.
 */
export class Matching1796000650000 implements MigrationInterface {
  name = "Matching1796000650000";

  // eslint-disable-next-line max-lines-per-function -- a migration is one schema change, read as one block of DDL
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY,
        invoice_number text NOT NULL,
        account_number text NOT NULL,
        member_name text NOT NULL,
        plan text NOT NULL CHECK (plan IN ('health','dental')),
        coverage_month text NOT NULL CHECK (coverage_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        amount_due_cents bigint NOT NULL CHECK (amount_due_cents > 0),
        first_payment boolean NOT NULL DEFAULT false,
        paid_cents bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
        status text NOT NULL CHECK (status IN ('open','partial','paid','written_off')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_invoices_number ON invoices (invoice_number)`);
    await q.query(`CREATE UNIQUE INDEX uq_invoices_bill ON invoices (account_number, plan, coverage_month)`);
    await q.query(`
      CREATE TABLE match_decisions (
        id uuid PRIMARY KEY,
        payment_id uuid NOT NULL REFERENCES payments(id),
        invoice_id uuid REFERENCES invoices(id),
        related_payment_id uuid REFERENCES payments(id),
        rule text NOT NULL,
        outcome text NOT NULL,
        applied_cents bigint NOT NULL DEFAULT 0,
        reason text NOT NULL,
        decided_by text NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX ix_match_decisions_payment ON match_decisions (payment_id)`);
    await q.query(`CREATE INDEX ix_match_decisions_invoice ON match_decisions (invoice_id)`);
    await q.query(`
      CREATE TABLE exceptions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        payment_id uuid REFERENCES payments(id),
        invoice_id uuid REFERENCES invoices(id),
        reason text NOT NULL,
        message text NOT NULL,
        amount_cents bigint NOT NULL,
        status text NOT NULL CHECK (status IN ('open','resolved')),
        details jsonb NOT NULL DEFAULT '{}',
        opened_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolved_by text,
        resolution text,
        note text
      )`);
    // One open exception per payment and reason: re-running matching never queues the same thing twice.
    await q.query(`CREATE UNIQUE INDEX uq_exceptions_open ON exceptions (payment_id, reason) WHERE status = 'open'`);
    await q.query(`CREATE INDEX ix_exceptions_status ON exceptions (status, reason)`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        entity text NOT NULL CHECK (entity IN ('file','payment','invoice','exception')),
        entity_id text NOT NULL,
        action text NOT NULL,
        before jsonb,
        after jsonb,
        payment_id uuid,
        note text
      )`);
    await q.query(`CREATE INDEX ix_audit_log_entity ON audit_log (entity, entity_id)`);
    await q.query(`CREATE INDEX ix_audit_log_payment ON audit_log (payment_id)`);
    await q.query(`
      CREATE FUNCTION billpay_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION billpay_audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION billpay_audit_log_append_only()`);
    // The file ledger is written by the pipeline; a trigger records its status changes so that no
    // path (posted, quarantined, failed, retried) escapes the audit log. The claim row is inserted
    // as 'failed' (retryable) and turns 'posted' in the same transaction.
    await q.query(`
      CREATE FUNCTION billpay_audit_file_status() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
          INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
          VALUES (
            coalesce(nullif(current_setting('billpay.actor', true), ''), 'billpay'),
            'file', NEW.id::text,
            CASE WHEN TG_OP = 'INSERT' THEN 'received' ELSE 'status_changed' END,
            CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE jsonb_build_object('status', OLD.status) END,
            jsonb_build_object('status', NEW.status, 'name', NEW.name, 'aggregator', NEW.aggregator,
              'payment_count', NEW.payment_count, 'total_cents', NEW.total_cents));
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER remittance_files_audit AFTER INSERT OR UPDATE OF status ON remittance_files
      FOR EACH ROW EXECUTE FUNCTION billpay_audit_file_status()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER remittance_files_audit ON remittance_files`);
    await q.query(`DROP FUNCTION billpay_audit_file_status()`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION billpay_audit_log_append_only()`);
    await q.query(`DROP TABLE exceptions`);
    await q.query(`DROP TABLE match_decisions`);
    await q.query(`DROP TABLE invoices`);
  }
}
