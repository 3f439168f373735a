import type { DataSource } from "typeorm";

/** The last poll of one source, as every instance sees it (table source_polls). */
export interface PollStatus {
  aggregator: string;
  instance: string;
  startedAt: Date;
  /** The end of the last finished poll; earlier than startedAt while a poll runs. */
  finishedAt: Date | null;
  /** The last finished poll's result; null before the first one finishes. */
  ok: boolean | null;
  error: string | null;
  durationMs: number | null;
  filesFound: number;
  filesQueued: number;
  lastSuccessAt: Date | null;
  polls: number;
  failures: number;
}

export interface PollOutcome {
  ok: boolean;
  error: string | null;
  durationMs: number;
  /** Files the poll saw as ready. */
  found: number;
  /** Files handed to a worker (a job, or taken in-process on the embedded database). */
  queued: number;
}

export async function recordPollStart(db: DataSource, aggregator: string, instance: string): Promise<void> {
  await db.query(
    `INSERT INTO source_polls (aggregator, instance, started_at) VALUES ($1, $2, now())
     ON CONFLICT (aggregator) DO UPDATE SET instance = EXCLUDED.instance, started_at = now()`,
    [aggregator, instance],
  );
}

export async function recordPollOutcome(
  db: DataSource,
  aggregator: string,
  instance: string,
  outcome: PollOutcome,
): Promise<void> {
  await db.query(
    `INSERT INTO source_polls (aggregator, instance, started_at, finished_at, ok, error, duration_ms, files_found, files_queued,
                               last_success_at, polls, failures)
     VALUES ($1, $2, now(), now(), $3, $4, $5, $6, $7, CASE WHEN $3 THEN now() END, 1, CASE WHEN $3 THEN 0 ELSE 1 END)
     ON CONFLICT (aggregator) DO UPDATE SET
       instance = EXCLUDED.instance, finished_at = now(), ok = EXCLUDED.ok, error = EXCLUDED.error,
       duration_ms = EXCLUDED.duration_ms, files_found = EXCLUDED.files_found, files_queued = EXCLUDED.files_queued,
       last_success_at = CASE WHEN EXCLUDED.ok THEN now() ELSE source_polls.last_success_at END,
       polls = source_polls.polls + 1, failures = source_polls.failures + CASE WHEN EXCLUDED.ok THEN 0 ELSE 1 END`,
    [aggregator, instance, outcome.ok, outcome.error, Math.round(outcome.durationMs), outcome.found, outcome.queued],
  );
}

interface PollRow {
  aggregator: string;
  instance: string;
  started_at: Date;
  finished_at: Date | null;
  ok: boolean | null;
  error: string | null;
  duration_ms: number | null;
  files_found: number;
  files_queued: number;
  last_success_at: Date | null;
  polls: string;
  failures: string;
}

export async function readPollStatus(db: DataSource): Promise<Map<string, PollStatus>> {
  const rows = (await db.query(`SELECT * FROM source_polls`)) as PollRow[];
  return new Map(
    rows.map((r) => [
      r.aggregator,
      {
        aggregator: r.aggregator,
        instance: r.instance,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        ok: r.ok,
        error: r.error,
        durationMs: r.duration_ms,
        filesFound: r.files_found,
        filesQueued: r.files_queued,
        lastSuccessAt: r.last_success_at,
        polls: Number(r.polls),
        failures: Number(r.failures),
      },
    ]),
  );
}
