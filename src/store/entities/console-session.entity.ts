import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A signed-in browser: the cookie holds a random token, the table only its SHA-256. */
@Entity({ name: "console_sessions" })
@Index("ix_console_sessions_user", ["userId"])
export class ConsoleSessionEntity {
  @PrimaryColumn({ name: "token_hash", type: "bytea" })
  tokenHash!: Buffer;

  @Column({ name: "user_id", type: "bigint" })
  userId!: string;

  /** The token every form of this session carries in its hidden _csrf field. */
  @Column({ name: "csrf_token", type: "text" })
  csrfToken!: string;

  /** The address the session signed in from. */
  @Column({ type: "text", nullable: true })
  address!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "last_seen_at", type: "timestamptz" })
  lastSeenAt!: Date;
}
