import type { MigrationInterface, QueryRunner } from "typeorm";

/** The file ledger, payments and bank entries (issue: walking skeleton). */
export class InitialLedger1796000000000 implements MigrationInterface {
  name = "InitialLedger1796000000000";

  // eslint-disable-next-line max-lines-per-function -- a migration is one schema change, read as one block of DDL
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE remittance_files (
        id uuid PRIMARY KEY,
        aggregator text NOT NULL,
        adapter text NOT NULL,
        name text NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size_bytes bigint NOT NULL,
        status text NOT NULL CHECK (status IN ('posted','quarantined','duplicate','failed')),
        identity text,
        source_kind text NOT NULL,
        source_location text,
        payment_count integer NOT NULL DEFAULT 0,
        total_cents bigint NOT NULL DEFAULT 0,
        by_kind jsonb NOT NULL DEFAULT '{}',
        bank_entry_count integer NOT NULL DEFAULT 0,
        controls jsonb NOT NULL DEFAULT '[]',
        errors jsonb NOT NULL DEFAULT '[]',
        warnings jsonb NOT NULL DEFAULT '[]',
        header jsonb NOT NULL DEFAULT '{}',
        attempts integer NOT NULL DEFAULT 1,
        received_at timestamptz NOT NULL DEFAULT now(),
        posted_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_remittance_files_aggregator_sha256 ON remittance_files (aggregator, sha256)`);
    await q.query(`CREATE INDEX ix_remittance_files_identity ON remittance_files (aggregator, identity)`);
    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        file_id uuid NOT NULL REFERENCES remittance_files(id),
        aggregator text NOT NULL,
        line integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('payment','reversal','return','prenote','noc')),
        source_ref text,
        amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
        currency text NOT NULL,
        payer_name text,
        account_raw text,
        account_number text,
        account_status text NOT NULL,
        initiated_on date,
        settled_on date,
        coverage_month text,
        due_on date,
        lead_days integer,
        timing_status text NOT NULL,
        earliest_coverage_start date,
        plan_type text,
        method text NOT NULL,
        reason_code text,
        original_ref text,
        status text NOT NULL CHECK (status IN ('active','duplicate')),
        duplicate_of uuid REFERENCES payments(id),
        match_status text NOT NULL,
        findings jsonb NOT NULL DEFAULT '[]',
        details jsonb NOT NULL DEFAULT '{}',
        raw text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_payments_file ON payments (file_id)`);
    await q.query(`CREATE INDEX ix_payments_account ON payments (account_number)`);
    // A payment's identity: the same one resent in another file is stored as a duplicate, never twice as money.
    await q.query(`
      CREATE UNIQUE INDEX uq_payments_identity ON payments (aggregator, source_ref, settled_on, amount_cents, kind)
      WHERE status = 'active' AND source_ref IS NOT NULL`);
    await q.query(`
      CREATE TABLE bank_entries (
        id uuid PRIMARY KEY,
        file_id uuid NOT NULL REFERENCES remittance_files(id),
        aggregator text NOT NULL,
        line integer NOT NULL,
        direction text NOT NULL CHECK (direction IN ('credit','debit')),
        amount_cents bigint NOT NULL,
        currency text NOT NULL,
        bank_account text,
        type_code text,
        bank_ref text,
        customer_ref text,
        text text,
        booked_on date,
        value_on date,
        details jsonb NOT NULL DEFAULT '{}',
        raw text NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_bank_entries_file ON bank_entries (file_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bank_entries`);
    await q.query(`DROP TABLE payments`);
    await q.query(`DROP TABLE remittance_files`);
  }
}
