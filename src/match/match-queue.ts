import type { QueryRunner } from "typeorm";

/** The cursor's name; cursors are per session, so two runs on two connections do not meet. */
const CURSOR = "billpay_match_queue";

/**
 * The payments a matching run will consider, in the run's order, handed out a batch at a time. A
 * cursor held across the batches' commits (`WITH HOLD`: PostgreSQL keeps the ids, not node) keeps
 * the run's memory flat: a million ids read at once cost more than a batch's whole working set.
 * The cursor lives on its own connection on PostgreSQL; on the embedded database it shares the one
 * connection with the batches, between their transactions.
 */
export class MatchQueue {
  private open = false;

  private constructor(private readonly runner: QueryRunner) {}

  /** Declares the cursor over `SELECT p.id … ORDER BY …` (the query must select `id` first). */
  static async declare(runner: QueryRunner, select: string, params: unknown[]): Promise<MatchQueue> {
    const queue = new MatchQueue(runner);
    await runner.startTransaction();
    try {
      // A plain scan and sort: compiling it (JIT, on a large table's estimates) costs more than running it.
      await runner.query(`SET LOCAL jit = off`);
      await runner.query(`DECLARE ${CURSOR} NO SCROLL CURSOR WITH HOLD FOR ${select}`, params);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
    queue.open = true;
    return queue;
  }

  /** The next ids, at most `size`; none when the run is through. */
  async next(size: number): Promise<string[]> {
    const rows = (await this.runner.query(`FETCH FORWARD ${Math.trunc(size)} FROM ${CURSOR}`)) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Frees the server's copy of the ids; the connection goes back to the pool clean. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    if (this.runner.isTransactionActive) await this.runner.rollbackTransaction();
    await this.runner.query(`CLOSE ${CURSOR}`);
  }
}
