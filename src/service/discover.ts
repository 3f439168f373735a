import { setTimeout as sleep } from "node:timers/promises";
import type { DataSource } from "typeorm";
import type { AggregatorConfig } from "../config/config-file";
import { log } from "../log";
import type { SourceFolder } from "../sources/folder";
import { joinRemote, selectFiles, type ListedFile, type Skipped } from "../sources/selection";
import { findSourceObject } from "../sources/source-ledger";

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

export function sourceDir(agg: AggregatorConfig): string {
  return agg.source.type === "sftp" ? agg.source.remoteDir : agg.source.dir;
}

export async function discoverFiles(db: DataSource, agg: AggregatorConfig, folder: SourceFolder, now: () => Date = () => new Date()): Promise<Discovery> {
  const dir = sourceDir(agg);
  const first = await folder.list(dir);
  if (agg.source.settleMs) await sleep(agg.source.settleMs);
  const second = await folder.list(dir);
  const selection = selectFiles(first, second, agg.source, now());
  for (const s of selection.skipped.filter((k) => k.reason === "unsafe_name")) {
    log.warn("refusing a remote file name", { aggregator: agg.id, name: JSON.stringify(s.name) });
  }
  const discovery: Discovery = { candidates: [], skipped: selection.skipped, known: 0, deferred: 0 };
  let fresh = 0;
  for (const file of selection.eligible) {
    const remotePath = joinRemote(dir, file.name);
    const known = await findSourceObject(db, { aggregator: agg.id, remotePath, sizeBytes: file.size, mtime: file.mtime });
    if (known && (known.moved || known.disposition === "leave")) {
      discovery.known++;
      continue;
    }
    if (!known && fresh >= agg.source.maxFilesPerPoll) {
      discovery.deferred++;
      discovery.skipped.push({ name: file.name, reason: "deferred" });
      continue;
    }
    if (!known) fresh++;
    discovery.candidates.push(candidate(file, remotePath, known !== null));
  }
  return discovery;
}

function candidate(file: ListedFile, remotePath: string, moveOnly: boolean): Candidate {
  return { name: file.name, remotePath, sizeBytes: file.size, mtime: file.mtime.toISOString(), moveOnly };
}
