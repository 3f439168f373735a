import type { Readable } from "node:stream";
import type { ListedFile } from "./selection";
import type { StagedFile } from "./staging";

/**
 * A connected view of the folder a source reads: the few operations the poll needs, so the SFTP
 * and the local-folder source share one poll (and one set of exactly-once rules).
 */
export interface SourceFolder {
  readonly kind: "sftp" | "local";
  /** The source without a path: sftp://user@host:port or file://. */
  readonly location: string;
  list(dir: string): Promise<ListedFile[]>;
  /** Streams one file into `stage` (which writes the staging copy); retried as a whole on failure. */
  download(path: string, stage: (input: Readable) => Promise<StagedFile>): Promise<StagedFile>;
  exists(path: string): Promise<boolean>;
  ensureDir(dir: string): Promise<void>;
  /** Renames without overwriting an existing target (the poll picks a free name first). */
  rename(from: string, to: string): Promise<void>;
  close(): Promise<void>;
}

/** The remote file is gone (deleted between list and get). */
export class VanishedError extends Error {
  constructor(path: string) {
    super(`${path} disappeared before it could be read`);
    this.name = "VanishedError";
  }
}
