import type { DataSource } from "typeorm";
import { appendAudit, SYSTEM_ACTOR } from "../match/audit-log";
import { verifyDecoy, verifyPassword } from "./passwords";
import type { ConsoleUser } from "./page";

/**
 * Checking a name and password, throttled two ways: a user is locked for a while after a run of
 * wrong passwords (kept in the database, so every instance sees it), and an address that keeps
 * failing is refused for a while (kept in this process). The caller learns only yes or no: the
 * answer never says whether the name exists, is disabled or is locked.
 */

export interface LoginPolicy {
  /** Wrong passwords in a row that lock a user. */
  maxFailures: number;
  lockMinutes: number;
  /** Failed sign-ins from one address within lockMinutes that refuse it. */
  maxAddressFailures: number;
}

export const LOGIN_POLICY: Readonly<LoginPolicy> = { maxFailures: 5, lockMinutes: 15, maxAddressFailures: 20 };

/** Failed sign-ins per address over a sliding window, in memory. */
export class AddressThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(address, kept);
    else this.failures.delete(address);
    return kept;
  }

  blocked(address: string): boolean {
    return this.recent(address).length >= this.limit;
  }

  fail(address: string): void {
    this.failures.set(address, [...this.recent(address), this.now()]);
    // Addresses that stopped failing are forgotten, so a spray of addresses cannot grow this without end.
    if (this.failures.size > 10_000) for (const a of [...this.failures.keys()]) this.recent(a);
  }
}

interface UserRow {
  id: string;
  name: string;
  role: ConsoleUser["role"];
  password_hash: Buffer;
  password_salt: Buffer;
  scrypt_n: number;
  scrypt_r: number;
  scrypt_p: number;
  usable: boolean;
}

async function findUser(db: DataSource, name: string): Promise<UserRow | null> {
  const rows = (await db.query(
    `SELECT id, name, role, password_hash, password_salt, scrypt_n, scrypt_r, scrypt_p,
            disabled_at IS NULL AND (locked_until IS NULL OR locked_until <= now()) AS usable
       FROM console_users WHERE name = $1`,
    [name],
  )) as UserRow[];
  return rows[0] ?? null;
}

/** Counts a wrong password; the one that reaches the limit locks the user (and is audited). */
async function countFailure(db: DataSource, user: UserRow, policy: LoginPolicy, address: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [rows] = (await tx.query(
      `UPDATE console_users SET
          failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
          locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
        WHERE id = $1
        RETURNING failed_logins = 0 AS locked, locked_until`,
      [user.id, policy.maxFailures, policy.lockMinutes],
    )) as [{ locked: boolean; locked_until: Date | null }[], number];
    if (!rows[0]?.locked) return;
    await appendAudit(tx, {
      actor: SYSTEM_ACTOR,
      entity: "user",
      entityId: user.name,
      action: "locked",
      before: null,
      after: { lockedUntil: rows[0].locked_until?.toISOString() ?? null },
      note: `${policy.maxFailures} wrong passwords in a row, the last from ${address}`,
    });
  });
}

/** The signed-in user (with their id), or null for any failure. */
export async function signIn(
  db: DataSource,
  credentials: { name: string; password: string; address: string },
  throttle: AddressThrottle,
  policy: LoginPolicy = LOGIN_POLICY,
): Promise<(ConsoleUser & { id: string }) | null> {
  const { name, password, address } = credentials;
  const user = throttle.blocked(address) ? null : await findUser(db, name);
  if (!user || !user.usable) {
    await verifyDecoy(password);
    throttle.fail(address);
    return null;
  }
  const ok = await verifyPassword(password, {
    hash: user.password_hash,
    salt: user.password_salt,
    params: { N: user.scrypt_n, r: user.scrypt_r, p: user.scrypt_p },
  });
  if (!ok) {
    await countFailure(db, user, policy, address);
    throttle.fail(address);
    return null;
  }
  await db.query(`UPDATE console_users SET failed_logins = 0 WHERE id = $1 AND failed_logins <> 0`, [user.id]);
  return { id: user.id, name: user.name, role: user.role };
}
