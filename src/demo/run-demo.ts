import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { loadConfig } from "../config/config-file";
import { closeDatabase, openDatabase } from "../store/data-source";
import { importInvoices, type InvoiceImportResult } from "../match/invoice-import";
import type { DataSource } from "typeorm";
import { pollAll } from "../sources/poll-sources";
import type { PollReport } from "../sources/poll";
import { MAPPINGS_DIR, SAMPLES_DIR, dataDir } from "../paths";
import { DemoSftpServer } from "./sftp-server";
import { generateEd25519 } from "./ssh-keys";

/**
 * `billpay demo`: the whole path a real deployment takes, on one machine with nothing installed
 * but the npm packages. A local SFTP server (fresh host key) serves a temp copy of the sample
 * files, one folder per aggregator; a config pins that key and logs in with a fresh user key;
 * `ingest` pulls everything through real SFTP into the database and moves each file to archive
 * or error.
 */

export const DEMO_USER = "healthconnector";

export interface DemoAggregator {
  id: string;
  files: string[];
}

/** Aggregators with both a mapping (mappings/<id>.yaml) and sample files (sample-files/<id>/). */
export function demoAggregators(samplesDir = SAMPLES_DIR, mappingsDir = MAPPINGS_DIR): DemoAggregator[] {
  if (!existsSync(samplesDir)) return [];
  return readdirSync(samplesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(mappingsDir, `${d.name}.yaml`)))
    .map((d) => ({ id: d.name, files: sampleFiles(path.join(samplesDir, d.name)) }))
    .filter((a) => a.files.length > 0)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The remittance files of a sample folder: not the goldens beside them, not notes. */
function sampleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.endsWith(".expected.json") && !f.startsWith(".") && !/^readme/i.test(f))
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .sort();
}

export interface DemoOptions {
  /** Ingest into a throwaway database instead of dataDir() (so a second run is not all duplicates). */
  fresh?: boolean;
  onReady?: (info: {
    port: number;
    hostKeySha256: string;
    configFile: string;
    aggregators: DemoAggregator[];
    database: string;
  }) => void;
  /** Runs with the demo's database still open once the files are in (the console of `demo --serve`). */
  whileOpen?: (db: DataSource, result: DemoResult) => Promise<void>;
}

export interface DemoResult {
  reports: PollReport[];
  aggregators: DemoAggregator[];
  database: string;
  /** The sample billing data imported before the files, so matching has invoices to find. */
  invoices: InvoiceImportResult | null;
  matching: MatchingOverview;
}

export interface MatchingOverview {
  /** Active money payments (payment kind) by match status. */
  byMatchStatus: Record<string, number>;
  /** Open exceptions by reason. */
  openExceptions: Record<string, number>;
}

const BILLING_SAMPLE = path.join(SAMPLES_DIR, "billing", "invoices.csv");

async function matchingOverview(db: DataSource): Promise<MatchingOverview> {
  const statuses = (await db.query(
    `SELECT match_status AS key, count(*)::int AS n FROM payments WHERE status = 'active' AND kind = 'payment' GROUP BY 1 ORDER BY 1`,
  )) as { key: string; n: number }[];
  const open = (await db.query(
    `SELECT reason AS key, count(*)::int AS n FROM exceptions WHERE status = 'open' GROUP BY 1 ORDER BY 1`,
  )) as { key: string; n: number }[];
  const toRecord = (rows: { key: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.key, r.n]));
  return { byMatchStatus: toRecord(statuses), openExceptions: toRecord(open) };
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const aggregators = demoAggregators();
  if (!aggregators.length) throw new Error(`no aggregator has both mappings/<id>.yaml and files in ${SAMPLES_DIR}`);
  const work = mkdtempSync(path.join(tmpdir(), "billpay-demo-"));
  const serverRoot = path.join(work, "sftp-root");
  for (const agg of aggregators) {
    const dir = path.join(serverRoot, agg.id);
    mkdirSync(dir, { recursive: true });
    for (const f of agg.files) copyFileSync(path.join(SAMPLES_DIR, agg.id, f), path.join(dir, f));
  }
  const user = generateEd25519("billpay-demo");
  const keyFile = path.join(work, "demo_user_ed25519");
  writeFileSync(keyFile, user.private, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  const server = new DemoSftpServer({ root: serverRoot, username: DEMO_USER, authorizedKey: user.public });
  const port = await server.start();
  const configFile = path.join(work, "billpay.demo.yaml");
  writeFileSync(configFile, demoConfigYaml(aggregators, { port, hostKeySha256: server.hostKeySha256, keyFile }));
  const freshDir = options.fresh ? path.join(work, "data") : null;
  const db = await openDatabase(freshDir ? { dataDir: freshDir, url: "" } : {});
  const database = freshDir
    ? `a throwaway database in ${freshDir}`
    : process.env.DATABASE_URL
      ? "PostgreSQL (DATABASE_URL)"
      : `the embedded database in ${dataDir()}`;
  try {
    options.onReady?.({ port, hostKeySha256: server.hostKeySha256, configFile, aggregators, database });
    const config = loadConfig(configFile);
    // Billing first: each posted file is matched as it lands (importing again changes nothing).
    const invoices = existsSync(BILLING_SAMPLE) ? await importInvoices(db, BILLING_SAMPLE, { actor: "demo" }) : null;
    const reports = await pollAll(db, config, { stagingDir: freshDir ? path.join(freshDir, "staging") : undefined });
    const result = { reports, aggregators, database, invoices, matching: await matchingOverview(db) };
    await options.whileOpen?.(db, result);
    return result;
  } finally {
    await closeDatabase(db);
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The demo's config: the same keys an operator writes, pointing at the local server. */
export function demoConfigYaml(
  aggregators: DemoAggregator[],
  server: { port: number; hostKeySha256: string; keyFile: string },
): string {
  const entries = Object.fromEntries(
    aggregators.map((agg) => [
      agg.id,
      {
        mapping: path.join(MAPPINGS_DIR, `${agg.id}.yaml`),
        source: {
          type: "sftp",
          host: "127.0.0.1",
          port: server.port,
          username: DEMO_USER,
          privateKeyFile: server.keyFile,
          hostKeySha256: server.hostKeySha256,
          remoteDir: `/${agg.id}`,
          pattern: "*",
          archiveDir: `/${agg.id}/archive`,
          errorDir: `/${agg.id}/error`,
          // The copies were written a moment ago and nothing is writing to them.
          minAgeSeconds: 0,
          settleMs: 200,
          maxFilesPerPoll: 1000,
        },
      },
    ]),
  );
  return `# Written by \`billpay demo\` for its local SFTP server; see examples/billpay.example.yaml.\n${stringify({ aggregators: entries })}`;
}
