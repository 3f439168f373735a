import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
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
  constructor(readonly fileName: string, readonly maxBytes: number) {
    super(`${fileName} is larger than maxFileBytes (${maxBytes} bytes)`);
    this.name = "FileTooLargeError";
  }
}

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
    idle = setTimeout(() => input.destroy(new TimeoutError(`download of ${options.name}`, options.idleTimeoutMs)), options.idleTimeoutMs);
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
    throw error;
  } finally {
    clearTimeout(idle);
  }
  return { path: target, sizeBytes: size, sha256: hash.digest("hex") };
}
