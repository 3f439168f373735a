import { createHash, randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import type { ConsoleUser } from "./page";

/**
 * Console sessions: the cookie carries 32 random bytes; the table keeps their SHA-256 (so reading
 * it signs no one in), the user, the CSRF token of the session's forms and when it was last used.
 * A session unused for longer than the idle timeout is over, and any session once it is
 * SESSION_LIFETIME_HOURS old, however busy: a cookie taken from a machine left signed in stops
 * working by the next working day.
 */

export const SESSION_LIFETIME_HOURS = 12;

export interface Session {
  user: ConsoleUser;
  csrfToken: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function tokenHash(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** A new session for a user who just signed in; sessions idle too long are swept on the way. */
export async function openSession(
  db: DataSource,
  userId: string,
  address: string,
  idleSeconds: number,
): Promise<{ token: string; csrfToken: string }> {
  const token = newToken();
  const csrfToken = newToken();
  await db.query(
    `DELETE FROM console_sessions
      WHERE last_seen_at < now() - make_interval(secs => $1) OR created_at < now() - make_interval(hours => $2)`,
    [idleSeconds, SESSION_LIFETIME_HOURS],
  );
  await db.query(`INSERT INTO console_sessions (token_hash, user_id, csrf_token, address) VALUES ($1, $2, $3, $4)`, [
    tokenHash(token),
    userId,
    csrfToken,
    address,
  ]);
  return { token, csrfToken };
}

/** The session a cookie names, if it is live and its user not disabled; using it keeps it alive, up to its lifetime. */
export async function touchSession(db: DataSource, token: string, idleSeconds: number): Promise<Session | null> {
  if (!TOKEN.test(token)) return null;
  const rows = (await db.query(
    `UPDATE console_sessions s SET last_seen_at = now()
       FROM console_users u
      WHERE s.token_hash = $1 AND u.id = s.user_id AND u.disabled_at IS NULL
        AND s.last_seen_at > now() - make_interval(secs => $2)
        AND s.created_at > now() - make_interval(hours => $3)
      RETURNING u.name, u.role, s.csrf_token`,
    [tokenHash(token), idleSeconds, SESSION_LIFETIME_HOURS],
  )) as [{ name: string; role: ConsoleUser["role"]; csrf_token: string }[], number];
  const row = rows[0][0];
  return row ? { user: { name: row.name, role: row.role }, csrfToken: row.csrf_token } : null;
}

export async function closeSession(db: DataSource, token: string): Promise<void> {
  if (TOKEN.test(token)) await db.query(`DELETE FROM console_sessions WHERE token_hash = $1`, [tokenHash(token)]);
}
