import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { MatchStatus } from "../../model";
import { centsColumn } from "../columns";

/**
 * One decision of the matching ladder (or of a person) about one payment, with the rule that made
 * it and a readable reason. Append-only: an undo (reversal, reject) is a new decision with
 * negative applied cents, so an invoice's paid amount is the sum of its decisions.
 */
@Entity({ name: "match_decisions" })
@Index("ix_match_decisions_payment_rule", ["paymentId", "rule"])
@Index("ix_match_decisions_invoice", ["invoiceId"])
@Index("ix_match_decisions_related", ["relatedPaymentId"], { where: "related_payment_id IS NOT NULL" })
export class MatchDecisionEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ name: "payment_id", type: "uuid" })
  paymentId!: string;

  @Column({ name: "invoice_id", type: "uuid", nullable: true })
  invoiceId!: string | null;

  /** The reversal that undid this payment, or the payment a reversal undoes. */
  @Column({ name: "related_payment_id", type: "uuid", nullable: true })
  relatedPaymentId!: string | null;

  @Column({ type: "text" })
  rule!: string;

  @Column({ type: "text" })
  outcome!: MatchStatus;

  @Column({ name: "applied_cents", ...centsColumn })
  appliedCents!: number;

  @Column({ type: "text" })
  reason!: string;

  @Column({ name: "decided_by", type: "text" })
  decidedBy!: string;

  @Column({ name: "decided_at", type: "timestamptz" })
  decidedAt!: Date;
}
