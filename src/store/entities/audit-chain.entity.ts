import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

/**
 * An audit entry's link in the database's one hash chain (migration 1796001500000-AuditChain):
 * its place, the previous link's hash and its own. Written when the entry's transaction commits;
 * append-only like the log.
 */
@Entity({ name: "audit_chain" })
@Index("uq_audit_chain_entry", ["entryId"], { unique: true })
export class AuditChainEntity {
  @PrimaryColumn({ type: "bigint" })
  seq!: string;

  /** The audit_log id this link hashes (no foreign key: verify must see an entry removed under it). */
  @Column({ name: "entry_id", type: "bigint" })
  entryId!: string;

  /** The hash of link seq - 1 (64 zeros for the first). */
  @Column({ name: "prev_hash", type: "text" })
  prevHash!: string;

  /** Hex sha256 of prev_hash followed by the entry's canonical text (docs/audit-and-retention.md). */
  @Column({ type: "text" })
  hash!: string;
}

/** A transaction's note that it wrote audit entries, from which id; removed when they are chained at its commit. */
@Entity({ name: "audit_chain_pending" })
export class AuditChainPendingEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS" })
  id!: string;

  @Column({ name: "from_id", type: "bigint" })
  fromId!: string;
}
