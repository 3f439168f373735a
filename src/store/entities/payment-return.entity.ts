import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** Why a payment goes back: a person resolved its exception so, or it stayed unidentified past the deadline. */
export type ReturnCause = "resolved" | "past_deadline";

/** A payment to be returned to the network, and (once built) the return file and entry that carry it. */
@Entity({ name: "payment_returns" })
@Index("uq_payment_returns_payment", ["paymentId"], { unique: true })
@Index("ix_payment_returns_pending", ["aggregator"], { where: "file_id IS NULL" })
@Index("ix_payment_returns_trace", ["traceNumber"], { where: "trace_number IS NOT NULL" })
export class PaymentReturnEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS" })
  id!: string;

  @Column({ name: "payment_id", type: "uuid" })
  paymentId!: string;

  @Column({ type: "text" })
  aggregator!: string;

  /** R21 invalid biller id, R22 invalid account, R23 refused by biller, R24 duplicate. */
  @Column({ name: "reason_code", type: "text" })
  reasonCode!: string;

  @Column({ type: "text" })
  cause!: ReturnCause;

  @Column({ name: "exception_id", type: "bigint", nullable: true })
  exceptionId!: string | null;

  @Column({ name: "requested_by", type: "text" })
  requestedBy!: string;

  @Column({ type: "text", nullable: true })
  note!: string | null;

  @Column({ name: "requested_at", type: "timestamptz" })
  requestedAt!: Date;

  @Column({ name: "file_id", type: "uuid", nullable: true })
  fileId!: string | null;

  /** The return entry's own (new) trace number in that file. */
  @Column({ name: "trace_number", type: "text", nullable: true })
  traceNumber!: string | null;
}
