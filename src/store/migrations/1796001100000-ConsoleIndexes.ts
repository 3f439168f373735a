import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Indexes for the web console (issue 12), whose pages must answer in < 300 ms with 1M payments and
 * 100k open exceptions.
 *
 * - The exception queue pages by keyset on (opened_at, id) or (amount_cents, id), optionally for
 *   one reason; partial on open rows, as resolved ones are never queued and would only grow them.
 * - The audit search pages by keyset on (at, id), optionally for one actor or one action; without
 *   these a search for a person's resolutions walks every matching entry of the ladder.
 * - A file's payments are paged by line: (file_id, line) replaces (file_id), of which it is a
 *   superset, so a payment insert maintains as many indexes as before.
 * - The auto-match rate asks, per payment of a month, whether an exact-rule decision exists:
 *   (payment_id, rule) answers from the index alone, and replaces (payment_id) as its superset.
 * - Reconciliation and the dashboard select payments by settlement day; the auto-match rate of a
 *   month (tens of thousands of payments) and the bank pairing's sums by file read kind, status,
 *   amount, id and file from that index alone.
 *   None of these columns is one matching rewrites, so its updates stay heap-only (see MatchingWrites).
 * - The dashboard counts open exceptions by reason and age: (reason, opened_at) carries the amount
 *   too, so the count reads that index alone. A payment's exceptions, open or resolved, are found by
 *   payment_id (the unique index on it holds open ones only).
 * - Invoices are totalled per coverage month (the invoices page opens on the newest month billed).
 */
export class ConsoleIndexes1796001100000 implements MigrationInterface {
  name = "ConsoleIndexes1796001100000";
  async up(q: QueryRunner): Promise<void> {
    for (const statement of CREATE) await q.query(statement);
    await q.query(`DROP INDEX ix_payments_file`);
    await q.query(`DROP INDEX ix_match_decisions_payment`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_payments_file ON payments (file_id)`);
    await q.query(`CREATE INDEX ix_match_decisions_payment ON match_decisions (payment_id)`);
    for (const statement of CREATE) await q.query(`DROP INDEX ${/INDEX (\w+)/.exec(statement)?.[1]}`);
  }
}

const CREATE = [
  `CREATE INDEX ix_exceptions_open_age ON exceptions (opened_at, id) WHERE status = 'open'`,
  `CREATE INDEX ix_exceptions_open_amount ON exceptions (amount_cents, id) WHERE status = 'open'`,
  `CREATE INDEX ix_exceptions_open_reason_age ON exceptions (reason, opened_at, id) INCLUDE (amount_cents) WHERE status = 'open'`,
  `CREATE INDEX ix_exceptions_payment ON exceptions (payment_id)`,
  `CREATE INDEX ix_invoices_coverage_month ON invoices (coverage_month)`,
  `CREATE INDEX ix_exceptions_open_reason_amount ON exceptions (reason, amount_cents, id) WHERE status = 'open'`,
  `CREATE INDEX ix_audit_log_at ON audit_log (at, id)`,
  `CREATE INDEX ix_audit_log_actor ON audit_log (actor, at, id)`,
  `CREATE INDEX ix_audit_log_action ON audit_log (action, at, id)`,
  `CREATE INDEX ix_payments_file_line ON payments (file_id, line)`,
  `CREATE INDEX ix_payments_settled ON payments (settled_on) INCLUDE (kind, status, amount_cents, id, file_id)`,
  `CREATE INDEX ix_match_decisions_payment_rule ON match_decisions (payment_id, rule)`,
];
