import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { centsColumn } from "../columns";

/** A payment (or NOC) that needs a person: the reason says what to do. */
@Entity({ name: "exceptions" })
@Index("ix_exceptions_status", ["status", "reason"])
@Index("ix_exceptions_open_age", ["openedAt", "id"], { where: "status = 'open'" })
@Index("ix_exceptions_open_amount", ["amountCents", "id"], { where: "status = 'open'" })
// INCLUDE (amount_cents) is in the migration: TypeORM's @Index has no INCLUDE.
@Index("ix_exceptions_open_reason_age", ["reason", "openedAt", "id"], { where: "status = 'open'" })
@Index("ix_exceptions_payment", ["paymentId"])
@Index("ix_exceptions_open_reason_amount", ["reason", "amountCents", "id"], { where: "status = 'open'" })
export class ExceptionEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS" })
  id!: string;

  @Column({ name: "payment_id", type: "uuid", nullable: true })
  paymentId!: string | null;

  @Column({ name: "invoice_id", type: "uuid", nullable: true })
  invoiceId!: string | null;

  @Column({ type: "text" })
  reason!: string;

  @Column({ type: "text" })
  message!: string;

  /** The money in question (the whole payment, or the unapplied part of it). */
  @Column({ name: "amount_cents", ...centsColumn })
  amountCents!: number;

  @Column({ type: "text" })
  status!: "open" | "resolved";

  @Column({ type: "jsonb" })
  details!: Record<string, unknown>;

  /** Repair suggestions (src/match/repair): ranked candidates with their evidence; null until computed. */
  @Column({ type: "jsonb", nullable: true })
  suggestions!: unknown[] | null;

  @Column({ name: "opened_at", type: "timestamptz" })
  openedAt!: Date;

  @Column({ name: "resolved_at", type: "timestamptz", nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: "resolved_by", type: "text", nullable: true })
  resolvedBy!: string | null;

  @Column({ type: "text", nullable: true })
  resolution!: string | null;

  @Column({ type: "text", nullable: true })
  note!: string | null;
}
