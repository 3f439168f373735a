import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Cheaper writes for matching (issue 11), which touches every payment and invoice once.
 *
 * - Half-full pages on payments and invoices: matching rewrites each payment's row (its status and
 *   timing) and each invoice's paid amount, none of them indexed columns. With room on the page
 *   PostgreSQL keeps the new version there (a heap-only update) and leaves every index alone; on a
 *   full page it adds an entry to each index. Measured on 210k payments: 7.6 s with full pages,
 *   2.8 s half full. New pages only: rows already stored keep their pages.
 * - No foreign keys from match_decisions: PostgreSQL checks them a row at a time (a locking
 *   look-up per key, even inside COPY), which took two thirds of writing a batch's decisions (3.4
 *   of 5.3 s for 200k). Matching and resolving write a decision only about the payment and
 *   invoices they have just read and locked in the same transaction. What the keys also gave — a
 *   payment or invoice cannot be deleted while a decision names it — a trigger keeps.
 */
export class MatchingWrites1796000950000 implements MigrationInterface {
  name = "MatchingWrites1796000950000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments SET (fillfactor = 50)`);
    await q.query(`ALTER TABLE invoices SET (fillfactor = 50)`);
    for (const key of ["payment_id", "invoice_id", "related_payment_id"]) {
      await q.query(`ALTER TABLE match_decisions DROP CONSTRAINT match_decisions_${key}_fkey`);
    }
    // For the trigger's look-up; most decisions have no related payment, and those need no entry.
    await q.query(
      `CREATE INDEX ix_match_decisions_related ON match_decisions (related_payment_id) WHERE related_payment_id IS NOT NULL`,
    );
    await q.query(`
      CREATE FUNCTION billpay_refuse_decided_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM match_decisions d WHERE (TG_TABLE_NAME = 'payments' AND (d.payment_id = OLD.id OR d.related_payment_id = OLD.id))
                                                     OR (TG_TABLE_NAME = 'invoices' AND d.invoice_id = OLD.id)) THEN
          RAISE EXCEPTION '% % has matching decisions and cannot be deleted', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN OLD;
      END $$`);
    for (const table of ["payments", "invoices"]) {
      await q.query(`
        CREATE TRIGGER ${table}_keep_decided BEFORE DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION billpay_refuse_decided_delete()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ["payments", "invoices"]) await q.query(`DROP TRIGGER ${table}_keep_decided ON ${table}`);
    await q.query(`DROP FUNCTION billpay_refuse_decided_delete()`);
    await q.query(`DROP INDEX ix_match_decisions_related`);
    await q.query(`ALTER TABLE match_decisions ADD FOREIGN KEY (payment_id) REFERENCES payments (id)`);
    await q.query(`ALTER TABLE match_decisions ADD FOREIGN KEY (invoice_id) REFERENCES invoices (id)`);
    await q.query(`ALTER TABLE match_decisions ADD FOREIGN KEY (related_payment_id) REFERENCES payments (id)`);
    await q.query(`ALTER TABLE payments RESET (fillfactor)`);
    await q.query(`ALTER TABLE invoices RESET (fillfactor)`);
  }
}
