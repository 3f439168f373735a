import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { centsColumn } from "../columns";

export type OutboundKind = "nacha_return";
/** `sending` is committed before the upload: on restart, the server is asked whether it got the file. */
export type SendStatus = "built" | "sending" | "sent";

/** A file we built for an aggregator (its bytes kept), and the outbound ledger of sending it once. */
@Entity({ name: "outbound_files" })
@Index("ix_outbound_files_unsent", ["aggregator"], { where: "send_status <> 'sent'" })
export class OutboundFileEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "text" })
  aggregator!: string;

  @Column({ type: "text" })
  kind!: OutboundKind;

  @Column({ type: "text", unique: true })
  name!: string;

  @Column({ type: "text" })
  content!: string;

  // Not money, but the same exact bigint → number conversion.
  @Column({ name: "size_bytes", ...centsColumn })
  sizeBytes!: number;

  @Column({ type: "text" })
  sha256!: string;

  @Column({ name: "entry_count", type: "integer" })
  entryCount!: number;

  @Column({ name: "total_cents", ...centsColumn })
  totalCents!: number;

  @Column({ name: "built_on", type: "date" })
  builtOn!: string;

  @Column({ name: "built_at", type: "timestamptz" })
  builtAt!: Date;

  @Column({ name: "send_status", type: "text" })
  sendStatus!: SendStatus;

  @Column({ name: "remote_path", type: "text", nullable: true })
  remotePath!: string | null;

  @Column({ name: "send_started_at", type: "timestamptz", nullable: true })
  sendStartedAt!: Date | null;

  @Column({ name: "sent_at", type: "timestamptz", nullable: true })
  sentAt!: Date | null;
}
