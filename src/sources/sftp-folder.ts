import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import SftpClient from "ssh2-sftp-client";
import type { SftpSourceConfig } from "../config/config-file";
import { log } from "../log";
import type { SourceFolder } from "./folder";
import { VanishedError } from "./folder";
import { HostKeyMismatchError, sha256Fingerprint } from "./host-key";
import { PermanentError, withRetry, withTimeout, type RetryOptions } from "./retry";
import type { ListedFile } from "./selection";
import type { StagedFile } from "./staging";

/** SFTP status codes (draft-ietf-secsh-filexfer-02) that retrying will not change. */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

type SftpError = Error & { code?: string | number };

function isNoSuchFile(error: SftpError): boolean {
  return error.code === NO_SUCH_FILE || error.code === "ENOENT";
}

function isRetryable(error: SftpError): boolean {
  if (error instanceof PermanentError || error instanceof VanishedError) return false;
  // The file itself is at fault (or the disk is full): fetching it again now gives the same result.
  if (["FileTooLargeError", "StagingFullError", "PgpError"].includes(error.name)) return false;
  if (isNoSuchFile(error) || error.code === PERMISSION_DENIED || error.code === "EACCES") return false;
  return true;
}

/** The private key and passphrase, from the file or environment variable the config names. */
export function readCredentials(
  config: SftpSourceConfig,
  keyPath: string,
): { privateKey: string; passphrase?: string } {
  let privateKey: string;
  if (config.privateKeyFile) {
    try {
      privateKey = readFileSync(config.privateKeyFile, "utf8");
    } catch (error) {
      throw new PermanentError(
        `${keyPath}.privateKeyFile: cannot read ${config.privateKeyFile}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
      );
    }
  } else {
    const value = process.env[config.privateKeyEnv ?? ""];
    if (!value)
      throw new PermanentError(`${keyPath}.privateKeyEnv: environment variable ${config.privateKeyEnv} is not set`);
    privateKey = value;
  }
  let passphrase: string | undefined;
  if (config.passphraseEnv) {
    passphrase = process.env[config.passphraseEnv];
    if (passphrase === undefined)
      throw new PermanentError(`${keyPath}.passphraseEnv: environment variable ${config.passphraseEnv} is not set`);
  }
  return { privateKey, passphrase };
}

/** The server without a path, as the poll reports it: sftp://user@host:port. */
export function sftpLocation(config: Pick<SftpSourceConfig, "username" | "host" | "port">): string {
  return `sftp://${config.username}@${config.host}:${config.port}`;
}

/**
 * One SFTP server folder. Every operation reconnects when the connection has died and retries
 * with backoff; the host key is checked against the pin on every connect.
 */
export class SftpFolder implements SourceFolder {
  readonly kind = "sftp" as const;
  readonly location: string;
  private client: SftpClient | null = null;
  private posixRenameMissing = false;

  constructor(
    private readonly config: SftpSourceConfig,
    private readonly keyPath: string,
    private readonly retry: RetryOptions,
  ) {
    this.location = sftpLocation(config);
  }

  /** Connects now (with retries), so a dead or impostor server is reported before anything else. */
  async open(): Promise<void> {
    await this.op("connect", async () => undefined);
  }

  async list(dir: string): Promise<ListedFile[]> {
    const entries = await this.op(`list ${dir}`, (c) => c.list(dir));
    return entries.map((e) => ({ name: e.name, size: e.size, mtime: new Date(e.modifyTime), isFile: e.type === "-" }));
  }

  async download(path: string, stage: (input: Readable) => Promise<StagedFile>): Promise<StagedFile> {
    try {
      return await this.op(`download ${path}`, (c) => stage(c.createReadStream(path) as unknown as Readable), {
        timeoutMs: 0,
      });
    } catch (error) {
      if (isNoSuchFile(error as SftpError)) throw new VanishedError(path);
      throw error;
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.op(`stat ${path}`, (c) => c.exists(path))) !== false;
  }

  async ensureDir(dir: string): Promise<void> {
    if (await this.exists(dir)) return;
    await this.op(`mkdir ${dir}`, (c) => c.mkdir(dir, true));
  }

  /**
   * posix-rename@openssh.com where the server has it (atomic); plain SFTP rename otherwise (ssh2's
   * own server, some appliances). The caller has already chosen a target that does not exist.
   */
  async rename(from: string, to: string): Promise<void> {
    await this.op(`rename ${from}`, async (c) => {
      if (!this.posixRenameMissing) {
        try {
          await c.posixRename(from, to);
          return;
        } catch (error) {
          if (!/does not support/i.test((error as Error).message)) throw error;
          this.posixRenameMissing = true;
          log.info("server lacks posix-rename; using plain rename", { location: this.location });
        }
      }
      await c.rename(from, to);
    });
  }

  /** Writes `content` to `path` (replacing what is there): an outbound file's temporary name. */
  async upload(content: Buffer, path: string): Promise<void> {
    await this.op(`upload ${path}`, async (c) => {
      await c.put(content, path);
    });
  }

  /** The size of a remote file, or null when there is none. */
  async sizeOf(path: string): Promise<number | null> {
    try {
      return (await this.op(`stat ${path}`, (c) => c.stat(path))).size;
    } catch (error) {
      if (isNoSuchFile(error as SftpError)) return null;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.drop();
  }

  private async op<T>(
    label: string,
    work: (c: SftpClient) => Promise<T>,
    overrides: Partial<RetryOptions> = {},
  ): Promise<T> {
    return withRetry(
      `${label} on ${this.location}`,
      async () => work(await this.connected()),
      {
        ...this.retry,
        ...overrides,
        onFailure: async (error) => {
          if (isRetryable(error)) await this.drop();
        },
        onRetry: ({ attempt, delayMs, error }) =>
          log.warn("sftp operation failed; retrying", {
            location: this.location,
            operation: label,
            attempt,
            delayMs,
            error: error.message,
          }),
      },
      isRetryable,
    );
  }

  private async connected(): Promise<SftpClient> {
    if (this.client) return this.client;
    const { privateKey, passphrase } = readCredentials(this.config, this.keyPath);
    let presented: string | null = null;
    const client = new SftpClient(this.location, {
      // The library's default listeners print to the console; ours go to the JSON log.
      error: (err: unknown) => {
        log.warn("sftp connection error", { location: this.location, error: (err as Error).message });
      },
      end: () => {
        log.debug("sftp connection ended", { location: this.location });
      },
      close: () => {
        log.debug("sftp connection closed", { location: this.location });
      },
    });
    try {
      await withTimeout(
        `connect to ${this.location}`,
        this.retry.timeoutMs,
        client.connect({
          host: this.config.host,
          port: this.config.port,
          username: this.config.username,
          privateKey,
          passphrase,
          readyTimeout: this.retry.timeoutMs || 30_000,
          keepaliveInterval: 10_000,
          keepaliveCountMax: 3,
          hostVerifier: (key: Buffer) => {
            presented = sha256Fingerprint(key);
            return presented === this.config.hostKeySha256;
          },
        }),
      );
    } catch (error) {
      await client.end().catch(() => undefined);
      if (presented && presented !== this.config.hostKeySha256) {
        throw new HostKeyMismatchError(`${this.config.host}:${this.config.port}`, presented, this.config.hostKeySha256);
      }
      if (/authentication methods failed/i.test((error as Error).message)) {
        throw new PermanentError(
          `${this.location}: the server refused the key for user ${this.config.username}`,
          "auth_failed",
        );
      }
      throw error;
    }
    this.client = client;
    return client;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await withTimeout("disconnect", 5_000, client.end()).catch(() => undefined);
  }
}
