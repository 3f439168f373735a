import {
  nachaFileLines,
  RPPS_BATCH_HEADER,
  RPPS_FILE_HEADER,
  writeLines,
  type BatchSpec,
  type EntrySpec,
} from "../../adapters/nacha/generate";
import { zeroPad } from "../../adapters/nacha/fields";
import { INVOICE_COLUMNS } from "../../src/match/invoice-columns";

/**
 * Matching data: M invoices, one per account (7 then the index in 8 digits), all for April 2024
 * coverage, and N payments to those accounts (payment i pays account i mod M) for the invoice's
 * amount, settling 18 March 2024 (coverage month April). So every payment walks the ladder to a
 * real decision: exact matches, and overpaid when N > M pays an account twice.
 */

const COVERAGE_MONTH = "2024-04";
const BATCH_SIZE = 5000;

export function account(i: number): string {
  return `7${zeroPad(i, 8)}`;
}

/** The amount due of invoice i, in cents: $100.00 to $599.99. */
export function amountCents(i: number): number {
  return 10_000 + ((i * 7919) % 50_000);
}

/** The billing CSV of M invoices, written as it is generated. */
export async function writeInvoicesCsv(path: string, invoices: number): Promise<void> {
  function* lines(): Generator<string> {
    yield INVOICE_COLUMNS.join(",");
    for (let i = 0; i < invoices; i++) {
      const due = (amountCents(i) / 100).toFixed(2);
      yield `BENCH-${i},${account(i)},Member ${i},health,${COVERAGE_MONTH},${due},no`;
    }
  }
  await writeLines(path, lines());
}

function* billedEntries(start: number, size: number, invoices: number): Generator<EntrySpec> {
  for (let i = start; i < start + size; i++) {
    const billed = i % invoices;
    yield { amountCents: amountCents(billed), name: `MEMBER ${zeroPad(billed, 8)}`, account: account(billed) };
  }
}

function* billedBatches(payments: number, invoices: number): Generator<BatchSpec> {
  for (let start = 0, n = 0; start < payments; start += BATCH_SIZE, n++) {
    yield {
      ...RPPS_BATCH_HEADER,
      companyDescriptiveDate: "240315",
      effectiveEntryDate: "240318",
      originatingDfi: zeroPad(99800000 + (n % 100), 8),
      entries: billedEntries(start, Math.min(BATCH_SIZE, payments - start), invoices),
    };
  }
}

/** An RPPS file of N payments to the billed accounts, written as it is generated. */
export async function writeBilledRppsFile(path: string, payments: number, invoices: number): Promise<void> {
  const lines = nachaFileLines({
    ...RPPS_FILE_HEADER,
    fileCreationDate: "240318",
    fileCreationTime: "2130",
    fileIdModifier: "B",
    batches: billedBatches(payments, invoices),
    blankHashAndBlockCount: false,
  });
  await writeLines(path, lines);
}
