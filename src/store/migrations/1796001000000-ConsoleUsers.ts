import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Who may use the web console (issue 12): users with a role and a scrypt password hash (its cost
 * parameters beside it, so they can be raised for new hashes without breaking old ones), a
 * per-user count of wrong passwords and a lock; and their sessions, each known by the SHA-256 of
 * its cookie's random token (a copy of the table signs no one in) with the CSRF token its forms
 * carry. Adding, disabling and resetting a user is audited as entity 'user'.
 */
export class ConsoleUsers1796001000000 implements MigrationInterface {
  name = "ConsoleUsers1796001000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE console_users (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
        role text NOT NULL CHECK (role IN ('viewer','resolver','admin')),
        password_hash bytea NOT NULL,
        password_salt bytea NOT NULL,
        scrypt_n int NOT NULL CHECK (scrypt_n > 1),
        scrypt_r int NOT NULL CHECK (scrypt_r > 0),
        scrypt_p int NOT NULL CHECK (scrypt_p > 0),
        failed_logins int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        password_changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE console_sessions (
        token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
        user_id bigint NOT NULL REFERENCES console_users (id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        address text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_console_sessions_user ON console_sessions (user_id)`);
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check`);
    await q.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check
        CHECK (entity IN ('file','payment','invoice','exception','invoice_import','user'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_entity_check`);
    await q.query(`
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check
        CHECK (entity IN ('file','payment','invoice','exception','invoice_import'))`);
    await q.query(`DROP TABLE console_sessions`);
    await q.query(`DROP TABLE console_users`);
  }
}
