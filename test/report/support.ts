import { ingestFile } from "../../src/ingest/pipeline";
import { importInvoices } from "../../src/match/invoice-import";
import type { TestDatabase } from "../support/database";
import { BILLING_SAMPLE, sampleRemittances } from "../match/remittance-files";

/** Billing data and every sample remittance, ingested (and so matched) as in production. */
export async function loadSamples(t: TestDatabase): Promise<void> {
  await importInvoices(t.db, BILLING_SAMPLE);
  for (const sample of sampleRemittances()) await ingestFile(t.db, sample);
}

/** Ages are counted to this moment in tests, so figures do not drift with the clock. */
export const AS_OF = new Date("2026-01-01T12:00:00Z");
