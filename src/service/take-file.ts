import type { DataSource } from "typeorm";
import type { AggregatorConfig } from "../config/config-file";
import type { SourceFolder } from "../sources/folder";
import { fileSteps, listReady, type PolledFile, type PollOptions } from "../sources/poll";

/**
 * The "take one file" half of a poll: download, ingest (one transaction), record, move, for one
 * named file. It runs the per-file steps `billpay ingest` runs (src/sources/poll.ts) after the same
 * stability and ledger checks, so the exactly-once rules live in one place: a file the ledger
 * already holds is only moved, a file that is gone is nothing to do.
 */

export type TakeOutcome =
  | { kind: "taken"; file: PolledFile }
  /** The ledger already held it, moved: another worker finished it. */
  | { kind: "done_before" }
  /** Not in the folder (moved by another worker, or deleted), or not stable right now. */
  | { kind: "not_ready"; reason: string };

/**
 * Takes one file the discovery found. The discovery already saw it stable, so this pass lists
 * without the settle pause and the age rule, and looks at that file (and its done-file) only. A
 * failure that retrying may cure (source down, ingest failed, move not done, file changed) is
 * thrown so the job is retried with backoff.
 */
export async function takeFile(
  db: DataSource,
  agg: AggregatorConfig,
  folder: SourceFolder,
  name: string,
  options: PollOptions = {},
): Promise<TakeOutcome> {
  const doneSuffix = agg.source.doneSuffix;
  const names = new Set(doneSuffix ? [name, name + doneSuffix] : [name]);
  const oneFile = { list: async (dir: string) => (await folder.list(dir)).filter((f) => names.has(f.name)) };
  const settled: AggregatorConfig = { ...agg, source: { ...agg.source, settleMs: 0, minAgeSeconds: 0 } };
  const listing = await listReady(db, settled, oneFile, options.now?.() ?? new Date());
  const steps = fileSteps(db, agg, folder, options);
  const [unfinished] = listing.unfinished;
  const [fresh] = listing.fresh;
  let file: PolledFile;
  if (unfinished) {
    file = await steps.finishMove(unfinished.row, unfinished.file);
  } else if (fresh) {
    try {
      file = await steps.take(fresh);
    } catch (error) {
      // Retries are spent (the server went away).
      throw new RetryableFileError(`${name}: ${(error as Error).message}`);
    }
  } else if (listing.known) {
    return { kind: "done_before" };
  } else {
    return { kind: "not_ready", reason: listing.skipped[0]?.reason ?? "not in the folder" };
  }
  if (file.status === "failed" || file.status === "changed" || file.moveError) {
    throw new RetryableFileError(
      `${name}: ${file.moveError ? `posted as ${file.status} but not moved: ${file.moveError}` : (file.message ?? file.status)}`,
    );
  }
  return { kind: "taken", file };
}

export class RetryableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetryableFileError";
  }
}
