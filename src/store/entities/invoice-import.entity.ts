import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/**
 * One run of `invoices import`: the file (name, sha256 of its bytes), who ran it, and its counts,
 * written when it ends. Audited as one entry (entity 'invoice_import'); the invoices it created
 * name it (import_id) and their line in the file (import_line).
 */
@Entity({ name: "invoice_imports" })
export class InvoiceImportEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS" })
  id!: string;

  @Column({ name: "file_name", type: "text" })
  fileName!: string;

  @Column({ type: "text", nullable: true })
  sha256!: string | null;

  @Column({ type: "text" })
  actor!: string;

  @Column({ name: "started_at", type: "timestamptz" })
  startedAt!: Date;

  @Column({ type: "int", nullable: true })
  rows!: number | null;

  @Column({ type: "int", nullable: true })
  created!: number | null;

  @Column({ type: "int", nullable: true })
  updated!: number | null;

  @Column({ type: "int", nullable: true })
  unchanged!: number | null;

  @Column({ type: "int", nullable: true })
  refused!: number | null;
}
