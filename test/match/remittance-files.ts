import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { ingestFile, type IngestResult } from "../../src/ingest/pipeline";
import { INVOICE_COLUMNS } from "../../src/match/invoice-import";
import { centsToDecimal, decimalToCents } from "../../src/model";
import { SAMPLES_DIR } from "../../src/paths";

/**
 * Real remittance files for tests, in the bank-csv layout (mappings/bank-csv.yaml): one H row,
 * D rows, and a T row with the count and net total — ingested through the real pipeline.
 */
export interface CsvPayment {
  id: string;
  type?: "PMT" | "REV" | "RTN";
  sent: string;
  settled: string;
  amount: string;
  account: string;
  name: string;
  original?: string;
  reason?: string;
}

const mdy = (day: string) => `${day.slice(5, 7)}/${day.slice(8, 10)}/${day.slice(0, 4)}`;
const quote = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function bankCsv(fileId: string, settled: string, rows: CsvPayment[]): string {
  let net = 0;
  const lines = [
    "Record Type,Payment ID,Type,Send Date,Deliver Date,Amount,Payee Account,Member Name,Original Payment ID,Return Reason",
    `H,FIRST EXAMPLE BANK,${fileId},${mdy(settled)},MA Health Connector`,
  ];
  for (const r of rows) {
    const type = r.type ?? "PMT";
    const cents = decimalToCents(r.amount);
    net += type === "PMT" ? cents : -cents;
    const amount = type === "PMT" ? r.amount : `${r.amount}-`;
    lines.push(
      ["D", r.id, type, mdy(r.sent), mdy(r.settled), amount, r.account, r.name, r.original ?? "", r.reason ?? ""]
        .map(quote)
        .join(","),
    );
  }
  const total = net < 0 ? `${centsToDecimal(-net)}-` : centsToDecimal(net);
  lines.push(`T,${rows.length},${total}`);
  return `${lines.join("\n")}\n`;
}

export class RemittanceFolder {
  readonly dir = mkdtempSync(path.join(tmpdir(), "billpay-match-"));

  write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  async ingestCsv(db: DataSource, name: string, settled: string, rows: CsvPayment[]): Promise<IngestResult> {
    const file = this.write(name, bankCsv(name.replace(/\.csv$/, ""), settled, rows));
    const result = await ingestFile(db, { aggregator: "bank-csv", path: file });
    if (result.status !== "posted") throw new Error(`${name} was ${result.status}: ${JSON.stringify(result.errors)}`);
    return result;
  }
}

export const INVOICE_HEADER = INVOICE_COLUMNS.join(",");

/** Every sample remittance file that is meant to post (not `broken-*`), aggregator by aggregator. */
export function sampleRemittances(): { aggregator: string; path: string }[] {
  const out: { aggregator: string; path: string }[] = [];
  for (const aggregator of readdirSync(SAMPLES_DIR).sort()) {
    if (aggregator === "billing" || !statSync(path.join(SAMPLES_DIR, aggregator)).isDirectory()) continue;
    for (const f of readdirSync(path.join(SAMPLES_DIR, aggregator)).sort()) {
      if (f.endsWith(".json") || f.startsWith("broken")) continue;
      out.push({ aggregator, path: path.join(SAMPLES_DIR, aggregator, f) });
    }
  }
  return out;
}

export const BILLING_SAMPLE = path.join(SAMPLES_DIR, "billing", "invoices.csv");
