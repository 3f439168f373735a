import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { centsTransformer } from "../columns";

export type SourceOutcome = "posted" | "duplicate" | "quarantined";
/** Where the remote file is to go once its outcome is committed. */
export type SourceDisposition = "archive" | "error" | "leave";

/**
 * The source-object ledger: what was taken from which remote path (the persistent accept-once
 * filter). It stops a file left on a read-only dropbox from being taken again, and lets the next
 * poll finish a move that a crash interrupted, without downloading or posting anything twice.
 */
@Entity({ name: "source_objects" })
@Index("uq_source_objects_identity", ["aggregator", "remotePath", "sizeBytes", "mtime"], { unique: true })
export class SourceObjectEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "text" })
  aggregator!: string;

  /** The source without the path: sftp://user@host:port or file://. */
  @Column({ type: "text" })
  location!: string;

  @Column({ name: "remote_path", type: "text" })
  remotePath!: string;

  // Not money, but the same exact bigint → number conversion.
  @Column({ name: "size_bytes", type: "bigint", transformer: centsTransformer })
  sizeBytes!: number;

  @Column({ type: "timestamptz" })
  mtime!: Date;

  /** Of the bytes as received; null when the file was never read (over the size cap). */
  @Column({ type: "text", nullable: true })
  sha256!: string | null;

  /** Of the plaintext, for an OpenPGP file that was decrypted; null otherwise. */
  @Column({ name: "decrypted_sha256", type: "text", nullable: true })
  decryptedSha256!: string | null;

  @Column({ name: "file_id", type: "uuid", nullable: true })
  fileId!: string | null;

  @Column({ type: "text" })
  outcome!: SourceOutcome;

  @Column({ type: "text" })
  disposition!: SourceDisposition;

  @Column({ type: "boolean", default: false })
  moved!: boolean;

  @Column({ name: "moved_to", type: "text", nullable: true })
  movedTo!: string | null;

  @Column({ name: "seen_at", type: "timestamptz" })
  seenAt!: Date;

  @Column({ name: "moved_at", type: "timestamptz", nullable: true })
  movedAt!: Date | null;
}
