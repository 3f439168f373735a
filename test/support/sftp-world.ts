import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig, type AggregatorConfig } from "../../src/config/config-file";
import { DemoSftpServer } from "../../src/demo/sftp-server";
import { MAPPINGS_DIR, PROJECT_ROOT, SAMPLES_DIR } from "../../src/paths";
import { startOpenSsh } from "./openssh";
import { generateEd25519 } from "../../src/demo/ssh-keys";

/**
 * An SFTP server with an inbound folder the test can write into directly, and the config that
 * points at it: either the in-process ssh2 server or a real OpenSSH sshd.
 */
export interface SftpWorld {
  kind: "ssh2" | "openssh";
  /** The inbound folder on disk, and as the SFTP client sees it. */
  inbound: string;
  remoteInbound: string;
  /** Turn a remote path (as the poll reports it) into the local file. */
  local(remotePath: string): string;
  demo: DemoSftpServer | null;
  /** The OpenSSH server's listening process (null for the in-process server). */
  serverPid: number | null;
  source: Record<string, unknown>;
  stop(): Promise<void>;
}

let keyCounter = 0;

export async function startWorld(kind: "ssh2" | "openssh"): Promise<SftpWorld> {
  const keyEnv = `BILLPAY_TEST_SFTP_KEY_${process.pid}_${keyCounter++}`;
  if (kind === "ssh2") {
    const root = mkdtempSync(path.join(tmpdir(), "billpay-sftp-"));
    mkdirSync(path.join(root, "inbound"));
    const user = generateEd25519();
    process.env[keyEnv] = user.private;
    const demo = new DemoSftpServer({ root, username: "tester", authorizedKey: user.public });
    const port = await demo.start();
    return {
      kind,
      inbound: path.join(root, "inbound"),
      remoteInbound: "/inbound",
      local: (p) => path.join(root, p),
      demo,
      serverPid: null,
      source: {
        type: "sftp",
        host: "127.0.0.1",
        port,
        username: "tester",
        privateKeyEnv: keyEnv,
        hostKeySha256: demo.hostKeySha256,
      },
      async stop() {
        await demo.stop();
        rmSync(root, { recursive: true, force: true });
        delete process.env[keyEnv];
      },
    };
  }
  const sshd = await startOpenSsh();
  const inbound = path.join(sshd.root, "inbound");
  mkdirSync(inbound);
  process.env[keyEnv] = sshd.userKey;
  return {
    kind,
    inbound,
    remoteInbound: inbound,
    local: (p) => p,
    demo: null,
    serverPid: sshd.pid,
    source: {
      type: "sftp",
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKeyEnv: keyEnv,
      hostKeySha256: sshd.hostKeySha256,
    },
    async stop() {
      await sshd.stop();
      delete process.env[keyEnv];
    },
  };
}

let aggCounter = 0;

/** The `source:` of a config reading the world's inbound folder (fast test settings), with overrides. */
export function worldSource(world: SftpWorld, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...world.source,
    remoteDir: world.remoteInbound,
    pattern: "*.ach",
    archiveDir: `${world.remoteInbound}/archive`,
    errorDir: `${world.remoteInbound}/error`,
    minAgeSeconds: 0,
    settleMs: 100,
    attempts: 3,
    timeoutSeconds: 10,
    ...overrides,
  };
}

/** An aggregator (unique id, the rpps mapping) reading the world's inbound folder. */
export function sftpAggregator(world: SftpWorld, source: Record<string, unknown> = {}): AggregatorConfig {
  const id = `sftp-t${process.pid}-${aggCounter++}`;
  const doc = {
    aggregators: { [id]: { mapping: path.join(MAPPINGS_DIR, "rpps.yaml"), source: worldSource(world, source) } },
  };
  return parseConfig(doc, path.join(tmpdir(), "billpay-test-config.yaml")).aggregators[0];
}

/**
 * Real NACHA files that the rpps mapping posts: sample-files/rpps/ once written (not the broken-
 * ones), else moov-io's public ACH test files.
 */
export function nachaSamples(): string[] {
  const own = path.join(SAMPLES_DIR, "rpps");
  const mine = existsSync(own)
    ? readdirSync(own)
        .filter((f) => f.endsWith(".ach") && !f.startsWith("broken-"))
        .map((f) => path.join(own, f))
    : [];
  if (mine.length >= 2) return mine.sort();
  const moov = path.join(PROJECT_ROOT, "adapters", "nacha", "test", "fixtures", "public");
  return ["cie-credit.ach", "return-WEB.ach", "NACHA_SAMPLE_TEL_REVERSAL.ach"].map((f) => path.join(moov, f));
}

/** Copy a sample into a folder, dated a while ago so that age rules do not hold it back. */
export function dropFile(sample: string, dir: string, name = path.basename(sample), ageSeconds = 3600): string {
  const target = path.join(dir, name);
  copyFileSync(sample, target);
  const then = new Date(Date.now() - ageSeconds * 1000);
  utimesSync(target, then, then);
  return target;
}
