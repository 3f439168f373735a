import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import { writeRppsFile } from "../../adapters/nacha/generate";
import { loadAggregatorMapping } from "../../src/config/mapping-loader";
import { dryRun } from "../../src/ingest/dry-run";
import { ingestFile } from "../../src/ingest/pipeline";
import { importInvoices } from "../../src/match/invoice-import";
import { matchPayments } from "../../src/match/matcher";
import { writeBilledRppsFile, writeInvoicesCsv } from "./billed-data";
import { CHUNK_BYTES, copyFloor, sliceFloor, type FloorRun } from "./floors";
import { progress, RssMeter, timed } from "./meter";
import type { BenchReport, StepResult } from "./report";

const grouped = (n: number) => n.toLocaleString("en-US");

/**
 * The benchmark's steps over one temp folder and one database. Each step times the work, then
 * measures its floor on the same data, and records one row with the peak RSS of both.
 */
export class Bench {
  private readonly steps: StepResult[] = [];
  private readonly rss = new RssMeter();
  private readonly mapping = loadAggregatorMapping("rpps");
  /** A fresh aggregator id per run, so that a shared PostgreSQL database never sees a file as a duplicate. */
  private readonly aggregator = `bench-${Date.now()}`;

  constructor(private readonly dir: string) {}

  private record(step: string, rows: number, seconds: number, floor: StepResult["floor"]): void {
    this.steps.push({ step, rows, seconds, floor, peakRssBytes: this.rss.stepPeakBytes() });
    this.rss.beginStep();
  }

  /** Writes an RPPS file of `entries` payments (adapters/nacha/generate.ts); returns its path. */
  async generate(name: string, entries: number): Promise<string> {
    const file = path.join(this.dir, name);
    await timed(`generating ${name}: ${grouped(entries)} entries`, () => writeRppsFile(file, entries));
    progress(`${name}: ${(statSync(file).size / 1024 / 1024).toFixed(0)} MB`);
    this.rss.beginStep();
    return file;
  }

  /** Parse only (the adapter's item stream) and parse+rules (dryRun), each beside the minimal-slice floor. */
  async parse(file: string): Promise<void> {
    const floor = await timed("minimal-slice floor", () => sliceFloor(file));
    const slice = { name: "minimal slice", rows: floor.value.rows, seconds: floor.value.seconds };
    const parsed = await timed("parse (adapter)", () => this.parseOnly(file));
    this.record("parse", parsed.value, parsed.seconds, slice);
    let assessed = 0;
    const rules = await timed("parse+rules (dryRun)", () => dryRun(file, this.mapping, () => void assessed++));
    this.record("parse+rules", assessed, rules.seconds, slice);
  }

  private async parseOnly(file: string): Promise<number> {
    let payments = 0;
    const input = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    const meta = { name: path.basename(file), aggregator: "rpps" };
    for await (const item of this.mapping.adapter.parse(input, this.mapping.mapping, meta)) {
      if (item.kind === "payment") payments += 1;
    }
    return payments;
  }

  /** Posts a file without matching; returns its id and payment count. */
  private async post(db: DataSource, label: string, file: string, aggregator: string) {
    const posted = await timed(label, () =>
      ingestFile(db, { aggregator, path: file, mapping: this.mapping }, { match: false }),
    );
    const { status, fileId, payments } = posted.value;
    if (status !== "posted" || !fileId) throw new Error(`${label}: the file was ${status}, not posted`);
    return { fileId, payments, seconds: posted.seconds };
  }

  /** The COPY floor of one posted file's payment rows. */
  private async paymentsFloor(db: DataSource, fileId: string): Promise<StepResult["floor"]> {
    const floor = await timed("COPY floor (payments clone)", () => copyFloor(db, "payments", "file_id = $1", [fileId]));
    return { name: "COPY payments", ...floor.value };
  }

  /** ingestFile (no matching) beside the COPY floor of the rows it posted. */
  async ingest(db: DataSource, file: string): Promise<void> {
    const posted = await this.post(db, "ingest", file, this.aggregator);
    this.record("ingest", posted.payments, posted.seconds, await this.paymentsFloor(db, posted.fileId));
  }

  /** importInvoices of M new invoices beside the COPY floor of those rows. */
  async importInvoices(db: DataSource, invoices: number): Promise<void> {
    const csv = path.join(this.dir, "invoices.csv");
    await timed(`generating invoices.csv: ${grouped(invoices)} invoices`, () => writeInvoicesCsv(csv, invoices));
    this.rss.beginStep();
    const imported = await timed("invoice import", () => importInvoices(db, csv));
    // The step's peak below includes its floor's; the import's own (its target is flat in the file's size) is this.
    progress(`invoice import: peak RSS ${(this.rss.stepPeakBytes() / 1024 / 1024).toFixed(0)} MB before its floor`);
    const { created, errors } = imported.value;
    if (created !== invoices || errors.length) {
      throw new Error(`invoice import: ${created} of ${invoices} created, ${errors.length} refused`);
    }
    const floor = await timed("COPY floor (invoices clone)", () => copyFloor(db, "invoices", "true", []));
    this.record("invoice import", created, imported.seconds, { name: "COPY invoices", ...floor.value });
  }

  /** N payments to the billed accounts: posted without matching, then matched; both beside the COPY floor of those rows. */
  async matching(db: DataSource, payments: number, invoices: number): Promise<void> {
    const file = path.join(this.dir, "billed.ach");
    await timed(`generating billed.ach: ${grouped(payments)} payments to ${grouped(invoices)} accounts`, () =>
      writeBilledRppsFile(file, payments, invoices),
    );
    this.rss.beginStep();
    const posted = await this.post(db, "ingest billed file", file, `${this.aggregator}-billed`);
    const floor = await this.paymentsFloor(db, posted.fileId);
    this.record("ingest billed", posted.payments, posted.seconds, floor);
    // Scoped to the billed file: the ingest step's payments are left as they are (unbilled accounts).
    const matched = await timed("matching", () => matchPayments(db, { fileId: posted.fileId }));
    progress(`matching: ${JSON.stringify(matched.value.byOutcome)}, ${matched.value.waiting} waiting`);
    this.record("matching", matched.value.considered, matched.seconds, floor);
    const written = await this.matchingRowsFloor(db, posted.fileId);
    this.record("  its rows by COPY", matched.value.considered, written.seconds, floor);
  }

  /**
   * What matching itself must write, as COPY writes it: the run's decisions and audit entries
   * copied into clones of their tables (not the payment and invoice updates, nor any reading or
   * deciding). Shows how much of the matching target the rows alone take.
   */
  private async matchingRowsFloor(db: DataSource, fileId: string): Promise<FloorRun> {
    const ofFile = "payment_id IN (SELECT id FROM payments WHERE file_id = $1)";
    const decisions = await timed("COPY floor (match_decisions clone)", () =>
      copyFloor(db, "match_decisions", ofFile, [fileId]),
    );
    const audit = await timed("COPY floor (audit_log clone)", () =>
      copyFloor(db, "audit_log", `${ofFile} AND entity IN ('payment', 'invoice')`, [fileId]),
    );
    return { rows: decisions.value.rows + audit.value.rows, seconds: decisions.value.seconds + audit.value.seconds };
  }

  /** Invoices are created, never updated: stop before any work when the database has some already. */
  async requireNoInvoices(db: DataSource): Promise<void> {
    const rows = (await db.query(`SELECT EXISTS (SELECT 1 FROM invoices) AS present`)) as { present: boolean }[];
    if (rows[0].present) {
      throw new Error(
        "the database already has invoices; the invoice and matching steps need one without (a fresh DATABASE_URL database, or none for embedded)",
      );
    }
  }

  report(database: string, options: BenchReport["options"]): BenchReport {
    return { database, options, steps: this.steps, peakRssBytes: this.rss.overallPeakBytes() };
  }

  stop(): void {
    this.rss.stop();
  }
}
