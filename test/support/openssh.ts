import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const SSHD = "/usr/sbin/sshd";

/** Why the OpenSSH tests cannot run here, or null when they can. */
export function opensshUnavailable(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (apt-get install openssh-server; CI installs it)`;
  if (!existsSync("/usr/bin/ssh-keygen")) return "ssh-keygen is not installed";
  return null;
}

export interface OpenSshServer {
  host: string;
  port: number;
  username: string;
  /** The user's private key (OpenSSH format) and the file it is in. */
  userKey: string;
  userKeyFile: string;
  /** The host key fingerprint exactly as `ssh-keygen -lf` prints it. */
  hostKeySha256: string;
  /** A folder the tests own; with internal-sftp and no chroot, remote paths are these real paths. */
  root: string;
  /** The listening sshd; each connection's processes are its children (the drills kill them). */
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Waits until this sshd listens: it writes its pid file only once its socket is bound, so a port
 * another process took since `freePort` (the two CI passes run side by side) is never mistaken for
 * ours. False when sshd exited because the port was taken, so the caller can try another.
 */
async function listening(child: ChildProcess, pidFile: string, stderr: () => string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() === String(child.pid)) return true;
    if (child.exitCode !== null) {
      if (/Address already in use|Cannot bind any address/.test(stderr())) return false;
      throw new Error(`sshd exited with ${child.exitCode}: ${stderr()}`);
    }
    await sleep(20);
  }
  child.kill("SIGKILL");
  throw new Error(`sshd did not listen within 10 s: ${stderr()}`);
}

/**
 * A real OpenSSH sshd on 127.0.0.1 with a private config: fresh host and user keys, key auth only,
 * `Subsystem sftp internal-sftp`, on a free high port, run in the foreground (`-D`).
 */
export async function startOpenSsh(): Promise<OpenSshServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-sshd-"));
  const root = path.join(dir, "files");
  mkdirSync(root);
  const keygen = (file: string) =>
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "billpay-test", "-f", file]);
  const hostKeyFile = path.join(dir, "host_ed25519");
  const userKeyFile = path.join(dir, "user_ed25519");
  keygen(hostKeyFile);
  keygen(userKeyFile);
  const authorized = path.join(dir, "authorized_keys");
  writeFileSync(authorized, readFileSync(`${userKeyFile}.pub`), { mode: 0o600 });
  // "256 SHA256:… billpay-test (ED25519)"
  const hostKeySha256 = execFileSync("ssh-keygen", ["-lf", `${hostKeyFile}.pub`], { encoding: "utf8" }).split(" ")[1];
  const username = userInfo().username;
  const configFile = path.join(dir, "sshd_config");
  const pidFile = path.join(dir, "sshd.pid");
  mkdirSync("/run/sshd", { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(configFile, sshdConfig({ port, hostKeyFile, pidFile, authorized, username }));
    const child = spawn(SSHD, ["-D", "-e", "-f", configFile], { stdio: ["ignore", "ignore", "pipe"] });
    let errors = "";
    child.stderr?.on("data", (d: Buffer) => (errors += d.toString()));
    if (await listening(child, pidFile, () => errors)) {
      return server({ port, child, dir, root, username, userKeyFile, hostKeySha256 });
    }
    if (attempt === 5) throw new Error(`sshd found no free port in 5 tries: ${errors}`);
  }
}

function sshdConfig(o: { port: number; hostKeyFile: string; pidFile: string; authorized: string; username: string }) {
  return [
    `ListenAddress 127.0.0.1:${o.port}`,
    `HostKey ${o.hostKeyFile}`,
    `PidFile ${o.pidFile}`,
    `AuthorizedKeysFile ${o.authorized}`,
    "AuthenticationMethods publickey",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    // The temp folders sit under /tmp, which StrictModes would reject.
    "StrictModes no",
    "PermitRootLogin prohibit-password",
    `AllowUsers ${o.username}`,
    "Subsystem sftp internal-sftp",
    "LogLevel ERROR",
    "",
  ].join("\n");
}

function server(o: {
  port: number;
  child: ChildProcess;
  dir: string;
  root: string;
  username: string;
  userKeyFile: string;
  hostKeySha256: string;
}): OpenSshServer {
  const { port, child, dir, root, username, userKeyFile, hostKeySha256 } = o;
  return {
    host: "127.0.0.1",
    port,
    username,
    userKey: readFileSync(userKeyFile, "utf8"),
    userKeyFile,
    hostKeySha256,
    root,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
