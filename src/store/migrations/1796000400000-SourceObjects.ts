import type { MigrationInterface, QueryRunner } from "typeorm";

/** The source-object ledger (issue 4: SFTP ingestion that never loses or doubles a file). */
export class SourceObjects1796000400000 implements MigrationInterface {
  name = "SourceObjects1796000400000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE source_objects (
        id uuid PRIMARY KEY,
        aggregator text NOT NULL,
        location text NOT NULL,
        remote_path text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        mtime timestamptz NOT NULL,
        sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        file_id uuid REFERENCES remittance_files(id),
        outcome text NOT NULL CHECK (outcome IN ('posted','duplicate','quarantined')),
        disposition text NOT NULL CHECK (disposition IN ('archive','error','leave')),
        moved boolean NOT NULL DEFAULT false,
        moved_to text,
        seen_at timestamptz NOT NULL DEFAULT now(),
        moved_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_source_objects_identity ON source_objects (aggregator, remote_path, size_bytes, mtime)`,
    );
    await q.query(`CREATE INDEX ix_source_objects_sha256 ON source_objects (aggregator, sha256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE source_objects`);
  }
}
