import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * OpenPGP files (issue 14 item 1). source_objects.sha256 stays the hash of the bytes as received;
 * decrypted_sha256 is the hash of the plaintext that was ingested (and that remittance_files.sha256
 * holds, so a file re-encrypted by the sender is still a duplicate). Null for a file that arrived
 * in the clear or could not be decrypted.
 */
export class PgpHashes1796001400000 implements MigrationInterface {
  name = "PgpHashes1796001400000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE source_objects ADD COLUMN decrypted_sha256 text CHECK (decrypted_sha256 ~ '^[0-9a-f]{64}$')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE source_objects DROP COLUMN decrypted_sha256`);
  }
}
