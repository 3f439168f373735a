import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The last poll of each source (issue 7: `billpay serve`). Kept in the database, not in memory, so
 * that every instance's /readyz and /metrics agree on which sources are healthy whichever
 * instance ran the poll.
 */
export class SourcePolls1796000700000 implements MigrationInterface {
  name = "SourcePolls1796000700000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE source_polls (
        aggregator text PRIMARY KEY,
        instance text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        ok boolean,
        error text,
        duration_ms integer,
        files_found integer NOT NULL DEFAULT 0,
        files_queued integer NOT NULL DEFAULT 0,
        last_success_at timestamptz,
        polls bigint NOT NULL DEFAULT 0,
        failures bigint NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE source_polls`);
  }
}
