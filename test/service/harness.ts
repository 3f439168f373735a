import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { zeroPad } from "../../adapters/nacha/fields";
import { nachaFileLines, RPPS_FILE_HEADER, writeLines, type FileTotals } from "../../adapters/nacha/generate";
import { MAPPINGS_DIR, PROJECT_ROOT } from "../../src/paths";
import { opensshUnavailable } from "../support/openssh";
import { startWorld, worldSource, type SftpWorld } from "../support/sftp-world";

/**
 * Runs real `billpay serve` processes against a real SFTP server and database, and reads their
 * JSON log lines: the multi-process tests of issue 7.
 */

export interface RppsFile {
  name: string;
  entries: number;
  totalCents: number;
}

/**
 * An RPPS file whose payments are its own: the originating DFI (hence every trace number) is
 * unique to `index`, so no two files share a payment identity or a hash.
 */
export async function writeTestRppsFile(dir: string, index: number, entries: number): Promise<RppsFile> {
  const name = `rpps-${zeroPad(index, 4)}.ach`;
  const totals: FileTotals = { entries: 0, debitCents: 0, creditCents: 0 };
  const batch = {
    serviceClassCode: "220" as const,
    companyName: "MA HEALTH CONNECTOR",
    companyIdentification: "9001234567",
    companyEntryDescription: "RPSPAYMENT",
    companyDescriptiveDate: "240315",
    effectiveEntryDate: "240321",
    originatingDfi: zeroPad(90000000 + index, 8),
    receivingDfi: "01100001",
    entries: Array.from({ length: entries }, (_, i) => ({
      amountCents: 1000 + ((index * 7919 + i * 104729) % 90000),
      name: `MEMBER ${zeroPad(i, 6)}`,
      account: `7${zeroPad((index * 100003 + i) % 100000000, 8)}`,
    })),
  };
  const file = path.join(dir, name);
  await writeLines(
    file,
    nachaFileLines(
      {
        ...RPPS_FILE_HEADER,
        fileCreationDate: "240320",
        fileCreationTime: `${zeroPad(index % 24, 2)}${zeroPad(Math.floor(index / 24) % 60, 2)}`,
        fileIdModifier: "A",
        batches: [batch],
      },
      totals,
    ),
  );
  const then = new Date(Date.now() - 3600_000);
  utimesSync(file, then, then);
  return { name, entries: totals.entries, totalCents: totals.creditCents - totals.debitCents };
}

/** The SFTP world: real OpenSSH when installed, else the in-process ssh2 server. */
export async function startSftp(): Promise<SftpWorld> {
  return startWorld(opensshUnavailable() ? "ssh2" : "openssh");
}

export interface ConfigOptions {
  schedule?: string;
  settleMs?: number;
  /** Extra aggregators (id → source overrides) sharing the world's server. */
  extra?: Record<string, Record<string, unknown>>;
}

/** A config file with one aggregator `rpps` reading the world's inbound folder. */
export function writeServeConfig(dir: string, world: SftpWorld, options: ConfigOptions = {}): string {
  const source = (overrides: Record<string, unknown>) =>
    worldSource(world, {
      settleMs: options.settleMs ?? 100,
      attempts: 2,
      timeoutSeconds: 5,
      maxFilesPerPoll: 1000,
      ...overrides,
    });
  const aggregators: Record<string, unknown> = {};
  for (const [id, overrides] of Object.entries({ rpps: {}, ...options.extra })) {
    aggregators[id] = {
      mapping: path.join(MAPPINGS_DIR, "rpps.yaml"),
      schedule: options.schedule ?? "*/2 * * * * *",
      source: source(overrides),
    };
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "billpay.yaml");
  writeFileSync(file, stringify({ aggregators }));
  return file;
}

export type LogLine = Record<string, unknown> & { message?: string; level?: string; timestamp?: string };

export interface ServeProcess {
  name: string;
  child: ChildProcess;
  lines: LogLine[];
  stderr: () => string;
  url: Promise<string>;
  exited: Promise<number | null>;
  waitFor(pred: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine>;
}

const children = new Set<ChildProcess>();

/** `billpay serve` through tsx, logging JSON on stderr. */
export function spawnServe(
  name: string,
  configFile: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): ServeProcess {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(PROJECT_ROOT, "src", "cli.ts"),
      "serve",
      "--config",
      configFile,
      "--port",
      "0",
      ...args,
    ],
    {
      cwd: PROJECT_ROOT,
      env: { ...env, BILLPAY_INSTANCE: name, LOG_LEVEL: "info" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  children.add(child);
  const lines: LogLine[] = [];
  let raw = "";
  let partial = "";
  const waiters = new Set<() => void>();
  child.stderr?.on("data", (chunk: Buffer) => {
    raw += chunk.toString();
    partial += chunk.toString();
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const text of parts) {
      try {
        lines.push(JSON.parse(text) as LogLine);
      } catch {
        lines.push({ message: text, level: "raw" });
      }
    }
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      children.delete(child);
      for (const w of waiters) w();
      resolve(code);
    }),
  );
  const waitFor = (pred: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = lines.find(pred);
        if (hit) return done(() => resolve(hit));
        if (child.exitCode !== null || child.signalCode !== null)
          return done(() =>
            reject(
              new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${raw.slice(-3000)}`),
            ),
          );
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms:\n${raw.slice(-3000)}`))),
        timeoutMs,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        fn();
      };
      waiters.add(check);
      check();
    });
  const url = waitFor(
    (l) => typeof l.url === "string" && String(l.message).startsWith("serving"),
    30_000,
    "the serving line",
  ).then((l) => String(l.url));
  url.catch(() => undefined);
  return { name, child, lines, stderr: () => raw, url, exited, waitFor };
}

/** Kills every serve process still running (after hooks call it even when a test failed). */
export async function killAll(): Promise<void> {
  const waits = [...children].map(
    (c) =>
      new Promise((resolve) => {
        c.once("exit", resolve);
        c.kill("SIGKILL");
      }),
  );
  await Promise.race([Promise.all(waits), sleep(5000)]);
}

export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}
