import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { PlanType } from "../../model";
import { centsColumn } from "../columns";

export const INVOICE_STATUSES = ["open", "partial", "paid", "written_off"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** One bill from billing data: a member's premium for one plan and one coverage month. */
@Entity({ name: "invoices" })
@Index("uq_invoices_number", ["invoiceNumber"], { unique: true })
@Index("ix_invoices_coverage_month", ["coverageMonth"])
@Index("uq_invoices_bill", ["accountNumber", "plan", "coverageMonth"], { unique: true })
export class InvoiceEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  /** The billing system's own reference, used on the command line (`apply-to INVOICE`). */
  @Column({ name: "invoice_number", type: "text" })
  invoiceNumber!: string;

  @Column({ name: "account_number", type: "text" })
  accountNumber!: string;

  @Column({ name: "member_name", type: "text" })
  memberName!: string;

  @Column({ type: "text" })
  plan!: PlanType;

  @Column({ name: "coverage_month", type: "text" })
  coverageMonth!: string;

  @Column({ name: "amount_due_cents", ...centsColumn })
  amountDueCents!: number;

  /** The member's first premium: enrollment completes only when it is paid in full by the due date (R3). */
  @Column({ name: "first_payment", type: "boolean" })
  firstPayment!: boolean;

  /** Sum of the applied cents of this invoice's match decisions. */
  @Column({ name: "paid_cents", ...centsColumn })
  paidCents!: number;

  @Column({ type: "text" })
  status!: InvoiceStatus;

  /** The import that created it (null for invoices created before imports were recorded). */
  @Column({ name: "import_id", type: "bigint", nullable: true })
  importId!: string | null;

  /** Its line in that import's file. */
  @Column({ name: "import_line", type: "int", nullable: true })
  importLine!: number | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
