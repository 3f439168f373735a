import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Returns to the network (issue 13 items 2 and 3).
 *
 * - outbound_files: the files we build for an aggregator, with their bytes, and the outbound
 *   ledger of sending them. `sending` is committed BEFORE the upload starts: a process killed
 *   between the upload and the commit of `sent` leaves `sending`, and the next send looks for the
 *   file on the server (by name and size) before uploading it again.
 * - payment_returns: one row per payment to be returned. UNIQUE (payment_id) is what makes a
 *   payment go back at most once, whichever path (a person, the deadline) asked first.
 */
export class Returns1796001300000 implements MigrationInterface {
  name = "Returns1796001300000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbound_files (
        id uuid PRIMARY KEY,
        aggregator text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('nacha_return')),
        name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9._-]+$'),
        content text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        entry_count integer NOT NULL,
        total_cents bigint NOT NULL,
        built_on date NOT NULL,
        built_at timestamptz NOT NULL DEFAULT now(),
        send_status text NOT NULL DEFAULT 'built' CHECK (send_status IN ('built','sending','sent')),
        remote_path text,
        send_started_at timestamptz,
        sent_at timestamptz,
        CHECK ((send_status = 'built') = (remote_path IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_outbound_files_unsent ON outbound_files (aggregator) WHERE send_status <> 'sent'`);
    await q.query(`
      CREATE TABLE payment_returns (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        payment_id uuid NOT NULL REFERENCES payments (id),
        aggregator text NOT NULL,
        reason_code text NOT NULL CHECK (reason_code ~ '^R[0-9]{2}$'),
        cause text NOT NULL CHECK (cause IN ('resolved','past_deadline')),
        exception_id bigint REFERENCES exceptions (id),
        requested_by text NOT NULL,
        note text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        file_id uuid REFERENCES outbound_files (id),
        trace_number text,
        CONSTRAINT uq_payment_returns_payment UNIQUE (payment_id),
        CHECK ((file_id IS NULL) = (trace_number IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_payment_returns_pending ON payment_returns (aggregator) WHERE file_id IS NULL`);
    // A dishonored or contested return names our return entry's trace as its original.
    await q.query(
      `CREATE INDEX ix_payment_returns_trace ON payment_returns (trace_number) WHERE trace_number IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payment_returns`);
    await q.query(`DROP TABLE outbound_files`);
  }
}
