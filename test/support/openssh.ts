import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect, type AddressInfo } from "node:net";
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

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, "127.0.0.1", () => {
        c.destroy();
        resolve(true);
      });
      c.on("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`sshd did not listen on ${port}: ${stderr()}`);
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
  const port = await freePort();
  const username = userInfo().username;
  const configFile = path.join(dir, "sshd_config");
  writeFileSync(
    configFile,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKeyFile}`,
      `PidFile ${path.join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${authorized}`,
      "AuthenticationMethods publickey",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      // The temp folders sit under /tmp, which StrictModes would reject.
      "StrictModes no",
      "PermitRootLogin prohibit-password",
      `AllowUsers ${username}`,
      "Subsystem sftp internal-sftp",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true });
  const child = spawn(SSHD, ["-D", "-e", "-f", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr?.on("data", (d: Buffer) => (errors += d.toString()));
  await waitForPort(port, child, () => errors);
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
