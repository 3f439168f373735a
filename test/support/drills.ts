import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import winston from "winston";
import { parseConfig, type AggregatorConfig } from "../../src/config/config-file";
import { log } from "../../src/log";
import { MAPPINGS_DIR } from "../../src/paths";
import { freePort } from "./openssh";

/**
 * The fault drills' own machinery (test/drills/): log capture, a config whose aggregator is `rpps`
 * (what test/support/kill-drill.ts's fileFound reads), and the real faults: killing processes,
 * a size-limited tmpfs, a PostgreSQL server of the drill's own that it can restart.
 */

export type LogLine = Record<string, unknown> & { level: string; message: string };

/** Collects the product's log lines (after redaction) from now until `stop`. */
export function captureLog(): { lines: LogLine[]; find(message: string | RegExp): LogLine[]; stop(): void } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: LogLine, _encoding, done) {
      lines.push(info);
      done();
    },
  });
  const transport = new winston.transports.Stream({ stream });
  log.add(transport);
  return {
    lines,
    find: (message) =>
      lines.filter((l) => (typeof message === "string" ? l.message === message : message.test(l.message))),
    stop: () => log.remove(transport),
  };
}

/** One aggregator `rpps` (the rpps mapping) reading `source`, with the fast test settings. */
export function rppsAggregator(source: Record<string, unknown>, dir = tmpdir()): AggregatorConfig {
  const doc = {
    aggregators: {
      rpps: {
        mapping: path.join(MAPPINGS_DIR, "rpps.yaml"),
        source: { pattern: "*.ach", minAgeSeconds: 0, settleMs: 100, ...source },
      },
    },
  };
  return parseConfig(doc, path.join(dir, "billpay.yaml")).aggregators[0];
}

/** A local-folder source: inbound/, archive/ and error/ in a new temp folder. */
export function localInbound(): { root: string; inbound: string; archive: string; source: Record<string, unknown> } {
  const root = mkdtempSync(path.join(tmpdir(), "billpay-drill-"));
  const inbound = path.join(root, "inbound");
  const archive = path.join(root, "archive");
  mkdirSync(inbound);
  return {
    root,
    inbound,
    archive,
    source: { type: "local", dir: inbound, archiveDir: archive, errorDir: path.join(root, "error") },
  };
}

export function names(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Every process below `pid` (children first found, then theirs), from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold blanks, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Ended while we read.
    }
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** Why a tmpfs cannot be mounted here (not root, or mount refused), or null when it can. */
export function tmpfsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "mounting a size-limited tmpfs needs root (CI runs as root)";
  const probe = mkdtempSync(path.join(tmpdir(), "billpay-tmpfs-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "pipe" });
    execFileSync("umount", [probe]);
    return null;
  } catch (error) {
    return `mount -t tmpfs failed here: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** A real small filesystem: a tmpfs of `size` (e.g. "256k") that can be grown in place. */
export class SmallDisk {
  readonly dir = mkdtempSync(path.join(tmpdir(), "billpay-small-disk-"));

  constructor(size: string) {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", this.dir]);
  }

  resize(size: string): void {
    execFileSync("mount", ["-o", `remount,size=${size}`, this.dir]);
  }

  /** Removes the folder of one that never started. */
  private discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  dispose(): void {
    try {
      execFileSync("umount", [this.dir]);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** The newest PostgreSQL server binaries installed (Debian's layout), or null. */
function postgresBin(): string | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(base, versions[versions.length - 1], "bin") : null;
}

/** Why the drill cannot run its own PostgreSQL server here, or null when it can. */
export function ownPostgresUnavailable(): string | null {
  if (!postgresBin())
    return "no PostgreSQL server binaries in /usr/lib/postgresql (apt-get install postgresql; CI does)";
  if (process.getuid?.() === 0 && !existsSync("/usr/sbin/runuser"))
    return "as root the server must run as the postgres user, and runuser is missing";
  return null;
}

/**
 * A PostgreSQL server of the drill's own (as scripts/start-postgres.sh starts one), on a free port,
 * which the drill may restart: the shared test server must never be.
 */
export class OwnPostgres {
  readonly url: string;
  private readonly dir = mkdtempSync(path.join(tmpdir(), "billpay-drill-pg-"));
  private readonly bin = postgresBin() as string;

  /**
   * Starts one on a free port. The port can be taken between `freePort` and the server's bind (the
   * two CI passes run side by side, and every client connection takes a port): then another.
   */
  static async onFreePort(): Promise<OwnPostgres> {
    for (let attempt = 1; ; attempt++) {
      const server = new OwnPostgres(await freePort());
      if (server.started()) return server;
      const why = server.log();
      server.discard();
      if (!/Address already in use/.test(why) || attempt === 5) throw new Error(`PostgreSQL did not start: ${why}`);
    }
  }

  private constructor(readonly port: number) {
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres", this.dir]);
    this.run("initdb", ["-D", this.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"]);
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  private started(): boolean {
    try {
      this.ctl("start");
      return true;
    } catch {
      return false;
    }
  }

  private log(): string {
    const file = path.join(this.dir, "server.log");
    return existsSync(file) ? readFileSync(file, "utf8").slice(-2000) : "(no server log)";
  }

  private get data(): string {
    return path.join(this.dir, "data");
  }

  private run(tool: string, args: string[]): void {
    const command = [path.join(this.bin, tool), ...args];
    const [file, ...rest] = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...command] : command;
    execFileSync(file, rest, { stdio: "pipe", cwd: this.dir });
  }

  private ctl(action: "start" | "restart" | "stop", mode = "fast"): void {
    const options = `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir} -c fsync=off`;
    this.run("pg_ctl", [
      "-D",
      this.data,
      "-l",
      path.join(this.dir, "server.log"),
      "-w",
      "-m",
      mode,
      "-o",
      options,
      action,
    ]);
  }

  /** Stops the server at once, as a crash would (no checkpoint, every session cut), and starts it again. */
  crashRestart(): void {
    this.ctl("restart", "immediate");
  }

  /** Removes the folder of one that never started. */
  private discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  dispose(): void {
    try {
      this.ctl("stop", "immediate");
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
