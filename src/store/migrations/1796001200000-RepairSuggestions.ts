import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Repair suggestions (issue 13): the billed accounts a mistyped account number may have meant,
 * found through indexes rather than a scan of billing data.
 *
 * - billpay_deletion_keys(account): the account with each one character removed. A typed value
 *   one substitution, adjacent transposition, dropped or added digit away from an account shares a
 *   key with it or is one (symmetric delete), so a GIN index over the keys finds every candidate.
 *   src/match/repair/account-edits.ts `deletionKeys` is the same function.
 * - billpay_name_key(name): accented Latin letters made plain, then the words of two or more ASCII
 *   letters, lower case, sorted (C order); src/match/repair/names.ts `nameKey` is the same function
 *   (the accent table is copied here, as a migration must not change when the code does).
 * - exceptions.suggestions: the ranked candidates with their evidence, stored when the exception
 *   opens (null: not computed yet).
 */
export class RepairSuggestions1796001200000 implements MigrationInterface {
  name = "RepairSuggestions1796001200000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION billpay_deletion_keys(value text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT left(value, i - 1) || substr(value, i + 1)), '{}')
          FROM generate_series(1, length(value)) AS i
      $$`);
    await q.query(`
      CREATE FUNCTION billpay_name_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT string_agg(lower(w), ' ' ORDER BY lower(w) COLLATE "C")
          FROM regexp_split_to_table(
                 translate(name, 'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ',
                                 'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy'),
                 '[^A-Za-z]+') AS w
         WHERE length(w) > 1
      $$`);
    await q.query(
      `CREATE INDEX ix_invoices_account_keys ON invoices USING gin (billpay_deletion_keys(account_number))`,
    );
    // With the account after the key, a common name's first few accounts are read in order from the index.
    await q.query(`CREATE INDEX ix_invoices_name_key ON invoices (billpay_name_key(member_name), account_number)`);
    await q.query(`ALTER TABLE exceptions ADD COLUMN suggestions jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE exceptions DROP COLUMN suggestions`);
    await q.query(`DROP INDEX ix_invoices_name_key`);
    await q.query(`DROP INDEX ix_invoices_account_keys`);
    await q.query(`DROP FUNCTION billpay_name_key(text)`);
    await q.query(`DROP FUNCTION billpay_deletion_keys(text)`);
  }
}
