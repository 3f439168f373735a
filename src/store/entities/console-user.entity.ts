import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Role } from "../../console/roles";

/** A person who may sign in to the web console; the password is kept as a scrypt hash only. */
@Entity({ name: "console_users" })
export class ConsoleUserEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS" })
  id!: string;

  @Column({ type: "text", unique: true })
  name!: string;

  @Column({ type: "text" })
  role!: Role;

  @Column({ name: "password_hash", type: "bytea" })
  passwordHash!: Buffer;

  @Column({ name: "password_salt", type: "bytea" })
  passwordSalt!: Buffer;

  /** scrypt's cost (N), block size (r) and parallelism (p) the hash was made with. */
  @Column({ name: "scrypt_n", type: "int" })
  scryptN!: number;

  @Column({ name: "scrypt_r", type: "int" })
  scryptR!: number;

  @Column({ name: "scrypt_p", type: "int" })
  scryptP!: number;

  /** Wrong passwords since the last sign-in or lock. */
  @Column({ name: "failed_logins", type: "int", default: 0 })
  failedLogins!: number;

  @Column({ name: "locked_until", type: "timestamptz", nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: "disabled_at", type: "timestamptz", nullable: true })
  disabledAt!: Date | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "password_changed_at", type: "timestamptz" })
  passwordChangedAt!: Date;
}
