import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { centsColumn } from "../columns";

/** A bank statement line (BAI2 / camt.053), kept to reconcile bank credits with remittance files. */
@Entity({ name: "bank_entries" })
@Index("ix_bank_entries_file", ["fileId"])
export class BankEntryEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ name: "file_id", type: "uuid" })
  fileId!: string;

  @Column({ type: "text" })
  aggregator!: string;

  @Column({ type: "integer" })
  line!: number;

  @Column({ type: "text" })
  direction!: "credit" | "debit";

  @Column({ name: "amount_cents", ...centsColumn })
  amountCents!: number;

  @Column({ type: "text" })
  currency!: string;

  @Column({ name: "bank_account", type: "text", nullable: true })
  bankAccount!: string | null;

  @Column({ name: "type_code", type: "text", nullable: true })
  typeCode!: string | null;

  @Column({ name: "bank_ref", type: "text", nullable: true })
  bankRef!: string | null;

  @Column({ name: "customer_ref", type: "text", nullable: true })
  customerRef!: string | null;

  @Column({ type: "text", nullable: true })
  text!: string | null;

  @Column({ name: "booked_on", type: "date", nullable: true })
  bookedOn!: string | null;

  @Column({ name: "value_on", type: "date", nullable: true })
  valueOn!: string | null;

  @Column({ type: "jsonb" })
  details!: Record<string, unknown>;

  @Column({ type: "text" })
  raw!: string;
}
