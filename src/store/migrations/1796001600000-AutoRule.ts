import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * payments.auto_rule: the rule that matched the payment with no person ('exact' or
 * 'repaired_match'), written with the decision by the matcher's batch; null otherwise. The
 * auto-match rate of a month asked the decisions, per payment, whether such a decision exists:
 * 85k index probes for a month of a 1M-payment book, most of the dashboard's time. Like the
 * decision it mirrors it is never cleared (a later reversal leaves the match automatic). Not
 * indexed, so matching's payment updates stay heap-only.
 */
export class AutoRule1796001600000 implements MigrationInterface {
  name = "AutoRule1796001600000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments ADD COLUMN auto_rule text CHECK (auto_rule IN ('exact', 'repaired_match'))`);
    await q.query(
      `UPDATE payments p SET auto_rule = d.rule
         FROM (SELECT DISTINCT ON (payment_id) payment_id, rule FROM match_decisions
                WHERE rule IN ('exact', 'repaired_match') ORDER BY payment_id, decided_at) d
        WHERE p.id = d.payment_id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments DROP COLUMN auto_rule`);
  }
}
