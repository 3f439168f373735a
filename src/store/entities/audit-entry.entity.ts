import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

export const AUDIT_ENTITIES = [
  "file",
  "payment",
  "invoice",
  "exception",
  "invoice_import",
  "user",
  "retention",
] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/** One state change: who, when, what, before, after. The table refuses UPDATE and DELETE; its hash chain is AuditChainEntity. */
@Entity({ name: "audit_log" })
@Index("ix_audit_log_entity", ["entity", "entityId"])
@Index("ix_audit_log_payment", ["paymentId"])
@Index("ix_audit_log_at", ["at", "id"])
@Index("ix_audit_log_actor", ["actor", "at", "id"])
@Index("ix_audit_log_action", ["action", "at", "id"])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS" })
  id!: string;

  @Column({ type: "timestamptz" })
  at!: Date;

  @Column({ type: "text" })
  actor!: string;

  @Column({ type: "text" })
  entity!: AuditEntity;

  @Column({ name: "entity_id", type: "text" })
  entityId!: string;

  @Column({ type: "text" })
  action!: string;

  @Column({ type: "jsonb", nullable: true })
  before!: Record<string, unknown> | null;

  @Column({ type: "jsonb", nullable: true })
  after!: Record<string, unknown> | null;

  /** The payment a change concerns, so one payment's whole history can be printed. */
  @Column({ name: "payment_id", type: "uuid", nullable: true })
  paymentId!: string | null;

  @Column({ type: "text", nullable: true })
  note!: string | null;
}
