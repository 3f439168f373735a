import type { Readable } from "node:stream";
import type { DataSource } from "typeorm";
import type { AggregatorConfig } from "../config/config-file";
import type { SourceFolder } from "../sources/folder";
import { pollFolder, type PolledFile, type PollOptions } from "../sources/poll";
import type { ListedFile } from "../sources/selection";
import type { StagedFile } from "../sources/staging";

/**
 * The "take one file" half of a poll: download, ingest (one transaction), record, move, for one
 * named file. It runs the same poll `billpay ingest` runs (src/sources/poll.ts), over a view of the
 * folder that shows only that file, so the exactly-once rules live in one place: a file the ledger
 * already holds is only moved, a file that is gone is nothing to do.
 */

export type TakeOutcome =
  | { kind: "taken"; file: PolledFile }
  /** The ledger already held it, moved: another worker finished it. */
  | { kind: "done_before" }
  /** Not in the folder (moved by another worker, or deleted), or not stable right now. */
  | { kind: "not_ready"; reason: string };

/** A folder whose listings show one file (and its done-file): the rest of the folder is not ours. */
export class SingleFileFolder implements SourceFolder {
  readonly kind: "sftp" | "local";
  readonly location: string;
  private readonly names: Set<string>;

  constructor(
    private readonly inner: SourceFolder,
    name: string,
    doneSuffix?: string,
  ) {
    this.kind = inner.kind;
    this.location = inner.location;
    this.names = new Set(doneSuffix ? [name, name + doneSuffix] : [name]);
  }

  async list(dir: string): Promise<ListedFile[]> {
    return (await this.inner.list(dir)).filter((f) => this.names.has(f.name));
  }
  download(path: string, stage: (input: Readable) => Promise<StagedFile>): Promise<StagedFile> {
    return this.inner.download(path, stage);
  }
  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  ensureDir(dir: string): Promise<void> {
    return this.inner.ensureDir(dir);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  async close(): Promise<void> {
    // The caller owns the connection.
  }
}

/**
 * Takes one file the discovery found. The discovery already saw it stable, so this pass lists
 * without the settle pause and the age rule. A failure that retrying may cure (source down, ingest
 * failed, move not done, file changed) is thrown so the job is retried with backoff.
 */
export async function takeFile(db: DataSource, agg: AggregatorConfig, folder: SourceFolder, name: string, options: PollOptions = {}): Promise<TakeOutcome> {
  const view = new SingleFileFolder(folder, name, agg.source.doneSuffix);
  const oneFile: AggregatorConfig = { ...agg, source: { ...agg.source, settleMs: 0, minAgeSeconds: 0, maxFilesPerPoll: 1 } };
  const report = await pollFolder(db, oneFile, view, options);
  const file = report.files[0];
  if (file) {
    if (file.status === "failed" || file.status === "changed" || file.moveError) {
      throw new RetryableFileError(`${name}: ${file.moveError ? `posted as ${file.status} but not moved: ${file.moveError}` : (file.message ?? file.status)}`);
    }
    return { kind: "taken", file };
  }
  if (!report.ok) throw new RetryableFileError(report.error ?? `${name}: the source failed`);
  if (report.known) return { kind: "done_before" };
  const skipped = report.skipped[0];
  return { kind: "not_ready", reason: skipped ? skipped.reason : "not in the folder" };
}

export class RetryableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetryableFileError";
  }
}
