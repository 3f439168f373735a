import { createHash, randomUUID, type Hash } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { dataDir } from "../paths";
import type { PgpKeys } from "./pgp/pgp-keys";
import { classify, openMessage } from "./pgp/pgp-message";
import { TimeoutError } from "./retry";

/** A downloaded copy, hashed while it streamed in. */
export interface StagedFile {
  path: string;
  /** The bytes as received. */
  sizeBytes: number;
  sha256: string;
  /** For an OpenPGP file: the staged copy is the plaintext, and these are its hash and size. */
  decrypted?: { sha256: string; sizeBytes: number };
}

export class FileTooLargeError extends Error {
  constructor(
    readonly fileName: string,
    readonly maxBytes: number,
  ) {
    super(`${fileName} is larger than maxFileBytes (${maxBytes} bytes)`);
    this.name = "FileTooLargeError";
  }
}

/**
 * The staging folder's disk is full (or over quota): nothing to do with the source, so the download
 * is not retried, and the file stays on the source for a poll after space is freed.
 */
export class StagingFullError extends Error {
  constructor(
    readonly dir: string,
    readonly fileName: string,
    readonly code: string,
  ) {
    super(
      `no space left in the staging folder ${dir} for ${fileName} (${code}); the file stays on the source for the next poll`,
    );
    this.name = "StagingFullError";
  }
}

const FULL_DISK_CODES = new Set(["ENOSPC", "EDQUOT"]);

export function stagingDir(): string {
  return path.join(dataDir(), "staging");
}

export interface StageOptions {
  /** The remote file name (for the staged name and messages; already checked as a plain name). */
  name: string;
  maxBytes: number;
  /** Abort when no byte arrives for this long (a half-dead connection); 0 = never. */
  idleTimeoutMs: number;
  dir?: string;
  onBytes?: (total: number) => void;
  /** Decrypt and verify an OpenPGP file on its way in: the staged copy is the plaintext. */
  pgp?: PgpKeys;
}

/** Counts and hashes what passes, failing past `maxBytes`. */
class Meter extends Transform {
  readonly hash: Hash = createHash("sha256");
  size = 0;

  constructor(name: string, maxBytes: number, onChunk?: (total: number) => void) {
    super({
      transform: (chunk: Buffer, _encoding, done) => {
        this.size += chunk.length;
        if (this.size > maxBytes) {
          done(new FileTooLargeError(name, maxBytes));
          return;
        }
        this.hash.update(chunk);
        onChunk?.(this.size);
        done(null, chunk);
      },
    });
  }

  digest(): { sha256: string; sizeBytes: number } {
    return { sha256: this.hash.digest("hex"), sizeBytes: this.size };
  }
}

/**
 * Copy a stream into the staging folder, never past `maxBytes` (the file is cut off and
 * deleted, and FileTooLargeError thrown), computing its sha256 on the way.
 */
export async function stageStream(input: Readable, options: StageOptions): Promise<StagedFile> {
  const dir = options.dir ?? stagingDir();
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `${randomUUID()}-${options.name}`);
  let idle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (!options.idleTimeoutMs) return;
    clearTimeout(idle);
    idle = setTimeout(
      () => input.destroy(new TimeoutError(`download of ${options.name}`, options.idleTimeoutMs)),
      options.idleTimeoutMs,
    );
  };
  const meter = new Meter(options.name, options.maxBytes, (size) => {
    options.onBytes?.(size);
    arm();
  });
  arm();
  try {
    if (options.pgp) return await stageDecrypted(input, meter, target, options.pgp, options);
    await pipeline(input, meter, createWriteStream(target, { flags: "wx" }));
    return { path: target, ...meter.digest() };
  } catch (error) {
    await rm(target, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code && FULL_DISK_CODES.has(code)) throw new StagingFullError(dir, options.name, code);
    throw error;
  } finally {
    clearTimeout(idle);
  }
}

/**
 * One pass: the received bytes are hashed, decrypted and verified, and only the plaintext is
 * written. A refused file is still read to its end, so its quarantine is keyed by its hash.
 */
async function stageDecrypted(
  input: Readable,
  received: Meter,
  target: string,
  keys: PgpKeys,
  options: StageOptions,
): Promise<StagedFile> {
  const source = new ReceivedBytes(input, received);
  const plain = new Meter(options.name, options.maxBytes);
  try {
    const opened = await openMessage(source.web(), keys);
    await pipeline(Readable.fromWeb(opened.plaintext), plain, createWriteStream(target, { flags: "wx" }));
    await opened.signaturesChecked();
    await source.drain();
  } catch (error) {
    source.rethrowInputError();
    // A full disk or the plaintext cap is ours to report as such; anything else came out of openpgp.
    if (error instanceof FileTooLargeError || (error as NodeJS.ErrnoException).syscall) throw error;
    const refused = classify(error);
    await source.drain();
    refused.received = received.digest();
    throw refused;
  }
  return { path: target, ...received.digest(), decrypted: plain.digest() };
}

/**
 * The received bytes as the web stream openpgp reads. A download error or timeout stays itself
 * (retryable), never a "corrupt file"; and cancelling the web stream leaves the rest to drain.
 */
class ReceivedBytes {
  private readonly chunks: AsyncIterator<Buffer>;
  private inputError: Error | null = null;

  constructor(input: Readable, meter: Meter) {
    input.on("error", (error) => {
      this.inputError = error;
      meter.destroy(error);
    });
    meter.on("error", (error) => {
      this.inputError ??= error;
    });
    this.chunks = input.pipe(meter)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  web(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const { done, value } = await this.chunks.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.length));
      },
    });
  }

  async drain(): Promise<void> {
    for (;;) if ((await this.chunks.next()).done) return;
  }

  rethrowInputError(): void {
    if (this.inputError) throw this.inputError;
  }
}
/** Staged copies older than this were left by a process that died mid-file; none is still in use. */
export const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes staged copies a killed process left behind. Nothing is lost: the remote file is moved
 * only after its database commit, so it is still on the server and the next poll fetches it again.
 * Returns how many were removed.
 */
export async function sweepStaleStaging(
  dir = stagingDir(),
  maxAgeMs = STALE_STAGING_MS,
  now = Date.now(),
): Promise<number> {
  return expireFiles(dir, now - maxAgeMs);
}

/**
 * The files in `dir` last modified before `beforeMs` (epoch ms), deleted unless `remove` is false
 * (a dry run counts them). A missing folder has none. Returns how many.
 */
export async function expireFiles(dir: string, beforeMs: number, remove = true): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let count = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info?.isFile() && info.mtimeMs < beforeMs) {
      if (remove) await rm(file, { force: true });
      count += 1;
    }
  }
  return count;
}
