import type { QueryRunner } from "typeorm";
import { plannedRows } from "../store/sql";

/**
 * The planner's picture of the invoices table, kept true around bulk imports. PostgreSQL sizes a
 * table by the rows per page its last ANALYZE or VACUUM counted, times its pages now; a VACUUM
 * that runs while an import is open (autovacuum, set off by the dead rows a rolled-back import
 * left) counts only committed rows over every page, the import's included: a few invoices in a
 * hundred pages. An import's checked way probes invoices once per staged row, by invoice number
 * and by bill; believing the table nearly empty, the planner may take the month index for the bill
 * probe (the smaller index, and "one row" either way) and read every invoice of the month per row.
 * Seen in CI: a 25k-row import ran past a minute instead of seconds.
 */

/** Below this many new or changed invoices statistics are not worth refreshing: the probes stay cheap whatever the plan. */
const MIN_CHANGED = 1_000;

/**
 * The columns the checked way's probes filter on. Analyzing only these leaves out the expression
 * indexes' statistics (repair keys, a function call per sampled row), which the ANALYZE after the
 * commit still takes: a sixth of a 25k-row import's time otherwise.
 */
const PROBED_COLUMNS = ["invoice_number", "account_number", "plan", "coverage_month", "import_id"];

/**
 * Inside an import's transaction: ANALYZE once the import has created at least as many invoices
 * as the statistics count, i.e. the table is twice what the planner thinks. ANALYZE counts the
 * transaction's own rows; doubling keeps it to a few runs per import, the largest one last. Its
 * lock (share update exclusive, to the end of the transaction) keeps only autovacuum and other
 * ANALYZEs of invoices waiting, never readers or writers.
 */
export class InvoiceStatistics {
  private createdAtLastRefresh = 0;

  private constructor(
    private readonly runner: QueryRunner,
    private rows: number,
  ) {}

  static async read(runner: QueryRunner): Promise<InvoiceStatistics> {
    return new InvoiceStatistics(runner, await plannedRows(runner, "invoices"));
  }

  /** Called before the per-row probes, with the invoices this import has created so far. */
  async keepUp(created: number): Promise<void> {
    const since = created - this.createdAtLastRefresh;
    if (since < MIN_CHANGED || since < this.rows) return;
    await this.runner.query(`ANALYZE invoices (${PROBED_COLUMNS.join(", ")})`);
    this.createdAtLastRefresh = created;
    this.rows = await plannedRows(this.runner, "invoices");
  }
}

/**
 * After an import committed: refreshes the statistics when it changed a tenth of the invoices or
 * more (the first import of a book, a yearly reload), as autovacuum would only later. Without them
 * the planner guesses that a repair look-up reads tens of thousands of invoices and compiles it
 * (JIT): 45 ms a suggestion among 1M new invoices, against 0.5 ms once analyzed.
 */
export async function analyzeAfterBulkChange(runner: QueryRunner, changed: number): Promise<void> {
  if (changed >= MIN_CHANGED && changed * 10 >= (await plannedRows(runner, "invoices")))
    await runner.query(`ANALYZE invoices`);
}
