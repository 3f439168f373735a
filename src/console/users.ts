import type { DataSource } from "typeorm";
import { appendAudit } from "../match/audit-log";
import type { Sql } from "../store/sql";
import { hashPassword, weakPassword } from "./passwords";
import type { Role } from "./roles";

/**
 * Console users in the database (`billpay users …`): add, list, disable, reset a password. Each
 * change is written with its audit entry (entity 'user', id the user's name) in one transaction.
 * Disabling a user or resetting their password ends their sessions.
 */

export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** A change to users that cannot be made as asked; nothing was changed. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export interface UserSummary {
  name: string;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
  lockedUntil: Date | null;
  failedLogins: number;
  sessions: number;
}

function checkName(name: string): void {
  if (!USER_NAME.test(name))
    throw new UserError(
      `a user name is 1 to 64 letters, digits or . _ @ - (starting with a letter or digit), not "${name}"`,
    );
}

function checkPassword(password: string): void {
  const weak = weakPassword(password);
  if (weak) throw new UserError(weak);
}

export async function addUser(
  db: DataSource,
  user: { name: string; role: Role; password: string },
  actor: string,
): Promise<void> {
  checkName(user.name);
  checkPassword(user.password);
  const h = await hashPassword(user.password);
  await db.transaction(async (tx) => {
    const rows = (await tx.query(
      `INSERT INTO console_users (name, role, password_hash, password_salt, scrypt_n, scrypt_r, scrypt_p)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [user.name, user.role, h.hash, h.salt, h.params.N, h.params.r, h.params.p],
    )) as { id: string }[];
    if (!rows.length) throw new UserError(`user "${user.name}" already exists`);
    await appendAudit(tx, {
      actor,
      entity: "user",
      entityId: user.name,
      action: "created",
      before: null,
      after: { role: user.role },
    });
  });
}

export async function listUsers(db: DataSource): Promise<UserSummary[]> {
  const rows = (await db.query(
    `SELECT u.name, u.role, u.created_at, u.disabled_at, u.failed_logins,
            CASE WHEN u.locked_until > now() THEN u.locked_until END AS locked_until,
            (SELECT count(*)::int FROM console_sessions s WHERE s.user_id = u.id) AS sessions
       FROM console_users u ORDER BY u.name`,
  )) as {
    name: string;
    role: Role;
    created_at: Date;
    disabled_at: Date | null;
    locked_until: Date | null;
    failed_logins: number;
    sessions: number;
  }[];
  return rows.map((r) => ({
    name: r.name,
    role: r.role,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
    lockedUntil: r.locked_until,
    failedLogins: r.failed_logins,
    sessions: r.sessions,
  }));
}

/** The user's row, locked for the change; a UserError when there is none. */
async function lockUser(tx: Sql, name: string): Promise<{ id: string; disabled_at: Date | null }> {
  const rows = (await tx.query(`SELECT id, disabled_at FROM console_users WHERE name = $1 FOR UPDATE`, [name])) as {
    id: string;
    disabled_at: Date | null;
  }[];
  if (!rows.length) throw new UserError(`no user "${name}"`);
  return rows[0];
}

export async function disableUser(db: DataSource, name: string, actor: string): Promise<void> {
  await db.transaction(async (tx) => {
    const u = await lockUser(tx, name);
    if (u.disabled_at) throw new UserError(`user "${name}" is already disabled`);
    // An UPDATE … RETURNING answers [rows, count].
    const [[row]] = (await tx.query(
      `UPDATE console_users SET disabled_at = now() WHERE id = $1 RETURNING disabled_at`,
      [u.id],
    )) as [{ disabled_at: Date }[], number];
    await tx.query(`DELETE FROM console_sessions WHERE user_id = $1`, [u.id]);
    await appendAudit(tx, {
      actor,
      entity: "user",
      entityId: name,
      action: "disabled",
      before: { disabledAt: null },
      after: { disabledAt: row.disabled_at.toISOString() },
    });
  });
}

/** A new password, the lock and the count of wrong passwords cleared, every session ended. */
export async function resetPassword(db: DataSource, name: string, password: string, actor: string): Promise<void> {
  checkPassword(password);
  const h = await hashPassword(password);
  await db.transaction(async (tx) => {
    const u = await lockUser(tx, name);
    await tx.query(
      `UPDATE console_users SET password_hash = $2, password_salt = $3, scrypt_n = $4, scrypt_r = $5, scrypt_p = $6,
              password_changed_at = now(), failed_logins = 0, locked_until = NULL
        WHERE id = $1`,
      [u.id, h.hash, h.salt, h.params.N, h.params.r, h.params.p],
    );
    await tx.query(`DELETE FROM console_sessions WHERE user_id = $1`, [u.id]);
    // The entry says that the password changed, never what to.
    await appendAudit(tx, {
      actor,
      entity: "user",
      entityId: name,
      action: "password_reset",
      before: null,
      after: null,
    });
  });
}
