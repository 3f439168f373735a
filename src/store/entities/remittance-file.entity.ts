import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { ControlRecord, ErrorRecord, FileStatus, PaymentKind } from "../../model";
import { centsColumn } from "../columns";

/** The file ledger: one row per distinct file (aggregator + content hash) ever received. */
@Entity({ name: "remittance_files" })
@Index("uq_remittance_files_aggregator_sha256", ["aggregator", "sha256"], { unique: true })
export class RemittanceFileEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "text" })
  aggregator!: string;

  @Column({ type: "text" })
  adapter!: string;

  @Column({ type: "text" })
  name!: string;

  @Column({ type: "text" })
  sha256!: string;

  @Column({ name: "size_bytes", ...centsColumn })
  sizeBytes!: number;

  @Column({ type: "text" })
  status!: FileStatus;

  /** Format-level identity (NACHA: origin + creation date/time + modifier). */
  @Column({ type: "text", nullable: true })
  identity!: string | null;

  @Column({ name: "source_kind", type: "text" })
  sourceKind!: string;

  @Column({ name: "source_location", type: "text", nullable: true })
  sourceLocation!: string | null;

  @Column({ name: "payment_count", type: "integer" })
  paymentCount!: number;

  @Column({ name: "total_cents", ...centsColumn })
  totalCents!: number;

  @Column({ name: "by_kind", type: "jsonb" })
  byKind!: Partial<Record<PaymentKind, { count: number; totalCents: number }>>;

  @Column({ name: "bank_entry_count", type: "integer" })
  bankEntryCount!: number;

  @Column({ type: "jsonb" })
  controls!: ControlRecord[];

  @Column({ type: "jsonb" })
  errors!: ErrorRecord[];

  @Column({ type: "jsonb" })
  warnings!: ErrorRecord[];

  @Column({ type: "jsonb" })
  header!: Record<string, unknown>;

  /** The payee policy the file was posted under (payee_policies.hash); null for files posted before it was kept. */
  @Column({ name: "policy_hash", type: "text", nullable: true })
  policyHash!: string | null;

  @Column({ type: "integer" })
  attempts!: number;

  @Column({ name: "received_at", type: "timestamptz" })
  receivedAt!: Date;

  @Column({ name: "posted_at", type: "timestamptz", nullable: true })
  postedAt!: Date | null;
}
