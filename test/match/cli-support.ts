import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SAMPLES_DIR } from "../../src/paths";
import { runBillpay, type CliRun } from "../cli/run-billpay";
import { childEnv, freshDatabase } from "../support/database";
import { BILLING_SAMPLE } from "./remittance-files";

/**
 * A database for `billpay` child processes. The embedded database is one process's at a time,
 * so on it the test holds nothing open and reads results through the CLI's own --json output.
 */
export async function cliDatabase(): Promise<{ env: NodeJS.ProcessEnv; close(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const t = await freshDatabase();
    return { env: childEnv(t), close: () => t.close() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-cli-"));
  const env: NodeJS.ProcessEnv = { ...process.env, BILLPAY_DATA_DIR: dir };
  delete env.DATABASE_URL;
  return { env, close: async () => rmSync(dir, { recursive: true, force: true }) };
}

export function billpay(env: NodeJS.ProcessEnv, ...args: string[]): CliRun {
  return runBillpay(args, env);
}

/** A CLI database holding the sample billing data and these sample remittance files (sample-files/<aggregator>/<file>). */
export async function seededCliDatabase(samples: string[]): Promise<Awaited<ReturnType<typeof cliDatabase>>> {
  const db = await cliDatabase();
  const runs = [billpay(db.env, "invoices", "import", BILLING_SAMPLE)];
  for (const sample of samples)
    runs.push(billpay(db.env, "ingest-file", path.join(SAMPLES_DIR, sample), "--aggregator", path.dirname(sample)));
  const failed = runs.find((r) => r.code !== 0);
  if (failed) throw new Error(`setting up the CLI database failed: ${failed.stderr}`);
  return db;
}
