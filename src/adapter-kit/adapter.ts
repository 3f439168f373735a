import type { Readable } from "node:stream";
import type { ZodType } from "zod";
import type { BankEntryDraft, PaymentDraft } from "../model";
import type { ReturnFileWriter } from "./returns";

/** What the pipeline tells an adapter about the file it is reading. */
export interface FileMeta {
  /** File name as received (no folders). */
  name: string;
  aggregator: string;
  sizeBytes?: number;
}

export interface DeclaredControl {
  count: number | null;
  totalCents: number | null;
  hash?: string | null;
}

/**
 * One item of an adapter's output stream. Adapters check their format's own control totals and
 * throw FormatError / FormatErrors on a mismatch; `control` items report declared beside parsed
 * figures for the finance report.
 */
export type ParsedItem =
  | { kind: "payment"; draft: PaymentDraft; line: number }
  | { kind: "bank_entry"; entry: BankEntryDraft; line: number }
  | { kind: "control"; scope: string; line: number; declared: DeclaredControl; parsed: DeclaredControl }
  | { kind: "warning"; code: string; message: string; line: number; field?: string | null }
  /** File-level facts; `identity` is the format's own duplicate key (NACHA: origin + date + time + modifier). */
  | { kind: "header"; line: number; identity: string | null; info: Record<string, unknown> };

/** The contract an integration engineer implements for a format family (ARCHITECTURE.md). */
export interface RemittanceAdapter<M = unknown> {
  readonly id: string;
  readonly description: string;
  /** What its mapping file may say; validated when the mapping loads, not on the first file. */
  readonly mappingSchema: ZodType<M>;
  /** Recognise a file by its first bytes. */
  sniff?(head: Buffer): boolean;
  /** Streams the items of one file. Must not hold the whole file in memory. */
  parse(input: Readable, mapping: M, file: FileMeta): AsyncIterable<ParsedItem>;
  /** Writes a file returning payments to the network, for families that can (NACHA). */
  readonly returns?: ReturnFileWriter;
}
