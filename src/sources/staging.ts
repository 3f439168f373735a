import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { dataDir } from "../paths";
import { TimeoutError } from "./retry";

/** A downloaded copy, hashed while it streamed in. */
export interface StagedFile {
  path: string;
  sizeBytes: number;
  sha256: string;
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
}

/**
 * Copy a stream into the staging folder, never past `maxBytes` (the file is cut off and
 * deleted, and FileTooLargeError thrown), computing its sha256 on the way.
 */
export async function stageStream(input: Readable, options: StageOptions): Promise<StagedFile> {
  const dir = options.dir ?? stagingDir();
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `${randomUUID()}-${options.name}`);
  const hash = createHash("sha256");
  let size = 0;
  let idle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (!options.idleTimeoutMs) return;
    clearTimeout(idle);
    idle = setTimeout(
      () => input.destroy(new TimeoutError(`download of ${options.name}`, options.idleTimeoutMs)),
      options.idleTimeoutMs,
    );
  };
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > options.maxBytes) {
        done(new FileTooLargeError(options.name, options.maxBytes));
        return;
      }
      hash.update(chunk);
      options.onBytes?.(size);
      arm();
      done(null, chunk);
    },
  });
  arm();
  try {
    await pipeline(input, meter, createWriteStream(target, { flags: "wx" }));
  } catch (error) {
    await rm(target, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code && FULL_DISK_CODES.has(code)) throw new StagingFullError(dir, options.name, code);
    throw error;
  } finally {
    clearTimeout(idle);
  }
  return { path: target, sizeBytes: size, sha256: hash.digest("hex") };
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
