import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import { isEmbedded } from "../store/data-source";
import { MatchQueue } from "./match-queue";

/** A batch read, locked and decided inside its transaction, with its writes still to make. */
export interface PreparedBatch {
  flush(runner: QueryRunner): Promise<void>;
}

export interface BatchWork<B extends PreparedBatch> {
  /** Reads, locks and decides one batch of the queue's ids in the manager's open transaction. */
  prepare(manager: EntityManager, ids: string[]): Promise<B>;
  /** Called once a batch has committed, in queue order. */
  committed(batch: B): Promise<void>;
}

/** A batch's writes and commit, under way on its own connection. */
type InFlight = Promise<void>;

/**
 * Runs the queue's ids through `work` a batch at a time, one transaction per batch, committing in
 * queue order. On PostgreSQL two batches overlap: while one writes and commits on its connection,
 * the next is read and decided on another, so that this process and the database work at the same
 * time instead of taking turns. That is safe because a batch locks every row it will change while
 * it reads (its payments, their originals, invoices, open exceptions): a later batch that needs one
 * of them waits in the database until the earlier commits, then reads it as committed; and the
 * earlier never waits on the later, which holds nothing the earlier has not already locked. A batch
 * commits only after the one before it, so a failure (or a kill) leaves whole batches, in order.
 * The embedded database has one connection: there the batches take turns on it.
 */
export async function runBatches<B extends PreparedBatch>(
  db: DataSource,
  queue: { select: string; params: unknown[]; lock: number },
  size: number,
  work: BatchWork<B>,
): Promise<void> {
  await inTurn(db, () => runLocked(db, queue, size, work));
}

/** The run in progress (or last) of each database in this process; the next run waits for it. */
const runs = new WeakMap<DataSource, Promise<void>>();

/**
 * Runs in this process take turns before any connection is taken: a run waiting on the database's
 * lock would hold a pooled connection, and enough of them waiting would leave the running one none
 * for its lanes. Across processes each holds at most one connection waiting.
 */
async function inTurn(db: DataSource, run: () => Promise<void>): Promise<void> {
  const before = runs.get(db) ?? Promise.resolve();
  let done = () => {};
  const mine = new Promise<void>((resolve) => (done = resolve));
  runs.set(
    db,
    before.then(() => mine),
  );
  await before;
  try {
    await run();
  } finally {
    done();
  }
}

async function runLocked<B extends PreparedBatch>(
  db: DataSource,
  queue: { select: string; params: unknown[]; lock: number },
  size: number,
  work: BatchWork<B>,
): Promise<void> {
  const main = db.createQueryRunner();
  await main.connect();
  const lanes = isEmbedded(db) ? [main] : [db.createQueryRunner(), db.createQueryRunner()];
  let ids: MatchQueue | null = null;
  try {
    // One run at a time; a person's resolution waits for the batches in flight, not for the run.
    await main.query(`SELECT pg_advisory_lock($1)`, [queue.lock]);
    ids = await MatchQueue.declare(main, queue.select, queue.params);
    await runLanes(ids, lanes, size, work);
  } finally {
    try {
      await ids?.close();
    } finally {
      // Never back to the pool holding the run's lock: every later run would wait on it.
      await main.query(`SELECT pg_advisory_unlock($1)`, [queue.lock]).catch(() => undefined);
      for (const lane of new Set([main, ...lanes])) await lane.release();
    }
  }
}

async function runLanes<B extends PreparedBatch>(
  ids: MatchQueue,
  lanes: QueryRunner[],
  size: number,
  work: BatchWork<B>,
): Promise<void> {
  let inFlight: InFlight | null = null;
  try {
    for (let n = 0; ; n++) {
      // One lane: the batch before must be through before the connection reads the queue again.
      if (lanes.length === 1) inFlight = await settled(inFlight);
      const chunk = await ids.next(size);
      if (!chunk.length) break;
      const runner = lanes[n % lanes.length];
      const batch = await prepareIn(runner, chunk, work);
      try {
        inFlight = await settled(inFlight);
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      }
      inFlight = writeAndCommit(runner, batch, work);
      // Awaited in order below; this only keeps a failure from being reported as unhandled meanwhile.
      inFlight.catch(() => undefined);
    }
    await settled(inFlight);
  } finally {
    // After a failure the batch in flight is still rolled back (or committed) before the lanes go.
    await inFlight?.catch(() => undefined);
  }
}

/** Waits for the batch in flight, if any, to commit (rethrowing its failure); there is none after. */
async function settled(inFlight: InFlight | null): Promise<null> {
  await inFlight;
  return null;
}

async function prepareIn<B extends PreparedBatch>(
  runner: QueryRunner,
  chunk: string[],
  work: BatchWork<B>,
): Promise<B> {
  await runner.startTransaction();
  try {
    return await work.prepare(runner.manager, chunk);
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}

async function writeAndCommit<B extends PreparedBatch>(
  runner: QueryRunner,
  batch: B,
  work: BatchWork<B>,
): Promise<void> {
  try {
    await batch.flush(runner);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
  await work.committed(batch);
}
