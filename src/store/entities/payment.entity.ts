import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { AccountStatus, Finding, MatchStatus, PaymentKind, PaymentRecordStatus, TimingStatus } from "../../model";
import { centsColumn } from "../columns";

/** One money movement (or prenote / NOC) from a posted file, with what the rules found. */
@Entity({ name: "payments" })
@Index("ix_payments_file_line", ["fileId", "line"])
// INCLUDE (kind, status, amount_cents, id, file_id) is in the migration: TypeORM's @Index has no INCLUDE.
@Index("ix_payments_settled", ["settledOn"])
@Index("ix_payments_account", ["accountNumber"])
export class PaymentEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ name: "file_id", type: "uuid" })
  fileId!: string;

  @Column({ type: "text" })
  aggregator!: string;

  @Column({ type: "integer" })
  line!: number;

  @Column({ type: "text" })
  kind!: PaymentKind;

  @Column({ name: "source_ref", type: "text", nullable: true })
  sourceRef!: string | null;

  @Column({ name: "amount_cents", ...centsColumn })
  amountCents!: number;

  @Column({ type: "text" })
  currency!: string;

  @Column({ name: "payer_name", type: "text", nullable: true })
  payerName!: string | null;

  /** As typed at the bank, but masked (last 4) when it looks like an SSN. */
  @Column({ name: "account_raw", type: "text", nullable: true })
  accountRaw!: string | null;

  @Column({ name: "account_number", type: "text", nullable: true })
  accountNumber!: string | null;

  @Column({ name: "account_status", type: "text" })
  accountStatus!: AccountStatus;

  @Column({ name: "initiated_on", type: "date", nullable: true })
  initiatedOn!: string | null;

  @Column({ name: "settled_on", type: "date", nullable: true })
  settledOn!: string | null;

  @Column({ name: "coverage_month", type: "text", nullable: true })
  coverageMonth!: string | null;

  @Column({ name: "due_on", type: "date", nullable: true })
  dueOn!: string | null;

  @Column({ name: "lead_days", type: "integer", nullable: true })
  leadDays!: number | null;

  @Column({ name: "timing_status", type: "text" })
  timingStatus!: TimingStatus;

  @Column({ name: "earliest_coverage_start", type: "date", nullable: true })
  earliestCoverageStart!: string | null;

  @Column({ name: "plan_type", type: "text", nullable: true })
  planType!: string | null;

  @Column({ type: "text" })
  method!: string;

  @Column({ name: "reason_code", type: "text", nullable: true })
  reasonCode!: string | null;

  @Column({ name: "original_ref", type: "text", nullable: true })
  originalRef!: string | null;

  @Column({ type: "text" })
  status!: PaymentRecordStatus;

  @Column({ name: "duplicate_of", type: "uuid", nullable: true })
  duplicateOf!: string | null;

  @Column({ name: "match_status", type: "text" })
  matchStatus!: MatchStatus;

  /** The rule that matched it with no person (exact, repaired_match), kept with the decision; null otherwise. */
  @Column({ name: "auto_rule", type: "text", nullable: true })
  autoRule!: string | null;

  @Column({ type: "jsonb" })
  findings!: Finding[];

  @Column({ type: "jsonb" })
  details!: Record<string, unknown>;

  @Column({ type: "text" })
  raw!: string;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
