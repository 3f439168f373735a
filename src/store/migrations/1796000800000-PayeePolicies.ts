import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The payee policy each file was posted under (issue 10). Matching re-times and re-checks a
 * payment with billing data; it must use the policy of the posting (the config file's `payee:`,
 * the mapping's overrides, an ad-hoc `--mapping`), not whatever the mapping says on the day of
 * matching. Policies are few and repeat, so a file names its policy by content hash.
 */
export class PayeePolicies1796000800000 implements MigrationInterface {
  name = "PayeePolicies1796000800000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payee_policies (
        hash text PRIMARY KEY,
        policy jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE remittance_files ADD COLUMN policy_hash text REFERENCES payee_policies (hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE remittance_files DROP COLUMN policy_hash`);
    await q.query(`DROP TABLE payee_policies`);
  }
}
