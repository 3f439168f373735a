import type { DataSource } from "typeorm";
import type { AggregatorConfig } from "../config/config-file";
import type { SourceFolder } from "../sources/folder";
import { listReady, sourceDir } from "../sources/poll";
import { joinRemote, type ListedFile, type Skipped } from "../sources/selection";

/**
 * The "list and select" half of a poll, for the scaled-out service: which files in a source are
 * ready and still need work. The "take one file" half is a job per file (take-file.ts). The rules
 * are the ones `billpay ingest` applies (src/sources: two listings a moment apart, the stable-file
 * rules, the source-object ledger), composed here so each file can become its own job.
 */

export interface Candidate {
  name: string;
  remotePath: string;
  sizeBytes: number;
  mtime: string;
  /** The outcome is committed but the remote move is not done: the job only finishes the move. */
  moveOnly: boolean;
}

export interface Discovery {
  candidates: Candidate[];
  skipped: Skipped[];
  /** Ready files the ledger already holds (left on a read-only dropbox, or already moved). */
  known: number;
  /** Ready files left for the next poll by maxFilesPerPoll. */
  deferred: number;
}

/** The ready files as `billpay ingest` sees them (src/sources/poll.ts `listReady`), as jobs to send. */
export async function discoverFiles(
  db: DataSource,
  agg: AggregatorConfig,
  folder: SourceFolder,
  now: () => Date = () => new Date(),
): Promise<Discovery> {
  const listing = await listReady(db, agg, folder, now());
  const dir = sourceDir(agg);
  const taken = listing.fresh.slice(0, agg.source.maxFilesPerPoll);
  const deferred = listing.fresh.slice(agg.source.maxFilesPerPoll);
  return {
    candidates: [
      ...listing.unfinished.map(({ file }) => candidate(file, joinRemote(dir, file.name), true)),
      ...taken.map((file) => candidate(file, joinRemote(dir, file.name), false)),
    ],
    skipped: [...listing.skipped, ...deferred.map((file) => ({ name: file.name, reason: "deferred" as const }))],
    known: listing.known,
    deferred: deferred.length,
  };
}

function candidate(file: ListedFile, remotePath: string, moveOnly: boolean): Candidate {
  return { name: file.name, remotePath, sizeBytes: file.size, mtime: file.mtime.toISOString(), moveOnly };
}
