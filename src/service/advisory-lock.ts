import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";

/**
 * PostgreSQL advisory locks held on a dedicated connection for as long as a poll or a file is
 * being worked on. The lock dies with the connection, so an instance killed with -9 frees its
 * sources and files at once: nothing waits for a job lease to expire before another instance may
 * take the work over.
 */

/** Lock namespaces (the first key of the two-key form). */
export const LOCK_SPACE = { poll: 0x62700001, file: 0x62700002, setup: 0x62700003, outbound: 0x62700004 } as const;
export type LockSpace = keyof typeof LOCK_SPACE;

/** A stable non-negative 31-bit key for a name (two names sharing a key only serialise). */
export function lockKey(name: string): number {
  return createHash("sha256").update(name).digest().readUInt32BE(0) & 0x7fffffff;
}

export interface HeldLock {
  release(): Promise<void>;
}

/** Takes the lock if it is free; null when another session holds it. */
export async function tryAdvisoryLock(db: DataSource, space: LockSpace, name: string): Promise<HeldLock | null> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query(`SELECT pg_try_advisory_lock($1::int, $2::int) AS locked`, [
      LOCK_SPACE[space] | 0,
      lockKey(name),
    ])) as { locked: boolean }[];
    if (!rows[0]?.locked) {
      await runner.release();
      return null;
    }
  } catch (error) {
    await runner.release();
    throw error;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      try {
        await runner.query(`SELECT pg_advisory_unlock($1::int, $2::int)`, [LOCK_SPACE[space] | 0, lockKey(name)]);
      } finally {
        await runner.release();
      }
    },
  };
}

/** Which of these names are locked right now by some session (any instance). */
export async function heldLocks(db: DataSource, space: LockSpace, names: string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const byKey = new Map(names.map((n) => [lockKey(n), n]));
  // The two-int4 form shows in pg_locks as classid/objid with objsubid 2.
  const rows = (await db.query(
    `SELECT objid::bigint AS key FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = $1 AND objid::bigint = ANY($2::bigint[])`,
    [LOCK_SPACE[space], [...byKey.keys()]],
  )) as { key: string }[];
  return new Set(rows.map((r) => byKey.get(Number(r.key))).filter((n): n is string => n !== undefined));
}

/** Runs `work` while holding a lock, waiting for it (instances starting together take turns). */
export async function withAdvisoryLock<T>(
  db: DataSource,
  space: LockSpace,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const runner = db.createQueryRunner();
  await runner.connect();
  const key = [LOCK_SPACE[space] | 0, lockKey(name)];
  try {
    await runner.query(`SELECT pg_advisory_lock($1::int, $2::int)`, key);
    try {
      return await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1::int, $2::int)`, key);
    }
  } finally {
    await runner.release();
  }
}
