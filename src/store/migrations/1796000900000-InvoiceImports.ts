import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * An invoice import is audited as one entry, not one per invoice it creates: a 'created' entry per
 * invoice made the audit log the larger part of an import's cost. Each import is a row of
 * invoice_imports (its file's name and sha256, who ran it, its counts), with one audit entry of
 * entity 'invoice_import'; an invoice it created names it and its line in the file, so the values
 * it was created with can be checked against the file by its hash. Invoices created before this
 * keep their own 'created' entries.
 */
export class InvoiceImports1796000900000 implements MigrationInterface {
  name = "InvoiceImports1796000900000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invoice_imports (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        file_name text NOT NULL,
        sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        actor text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        rows int,
        created int,
        updated int,
        unchanged int,
        refused int
      )`);
    await q.query(`ALTER TABLE invoices ADD COLUMN import_id bigint REFERENCES invoice_imports (id)`);
    await q.query(`ALTER TABLE invoices ADD COLUMN import_line int`);
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check`);
    await q.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check
        CHECK (entity IN ('file','payment','invoice','exception','invoice_import'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check`);
    await q.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check
        CHECK (entity IN ('file','payment','invoice','exception'))`);
    await q.query(`ALTER TABLE invoices DROP COLUMN import_line`);
    await q.query(`ALTER TABLE invoices DROP COLUMN import_id`);
    await q.query(`DROP TABLE invoice_imports`);
  }
}
