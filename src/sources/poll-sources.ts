import type { DataSource } from "typeorm";
import type { AggregatorConfig, BillpayConfig } from "../config/config-file";
import { log } from "../log";
import type { SourceFolder } from "./folder";
import { LocalFolder } from "./local-folder";
import { pollFolder, sourceDir, type PollOptions, type PollReport } from "./poll";
import { DEFAULT_RETRY } from "./retry";
import { SftpFolder, sftpLocation } from "./sftp-folder";
import { sweepStaleStaging } from "./staging";

/** Opens the folder an aggregator's source names (connecting, for SFTP, with the pinned key). */
export async function openFolder(agg: AggregatorConfig): Promise<SourceFolder> {
  const source = agg.source;
  if (source.type === "local") return new LocalFolder();
  const folder = new SftpFolder(source, agg.keyPath, {
    ...DEFAULT_RETRY,
    attempts: source.attempts,
    timeoutMs: source.timeoutSeconds * 1000,
  });
  await folder.open();
  return folder;
}

/** Polls one source once; a failure is reported in the result, never thrown. */
export async function pollSource(
  db: DataSource,
  agg: AggregatorConfig,
  options: PollOptions = {},
): Promise<PollReport> {
  const started = Date.now();
  let folder: SourceFolder | null = null;
  try {
    folder = await openFolder(agg);
    return await pollFolder(db, agg, folder, options);
  } catch (error) {
    const message = (error as Error).message;
    log.error("source failed", { aggregator: agg.id, error: message });
    const location = (agg.source.type === "sftp" ? sftpLocation(agg.source) : "file://") + sourceDir(agg);
    return {
      aggregator: agg.id,
      location,
      ok: false,
      error: message,
      files: [],
      skipped: [],
      deferred: 0,
      known: 0,
      durationMs: Date.now() - started,
    };
  } finally {
    await folder?.close();
  }
}

/** Polls every configured source (or one aggregator's) in turn; one failing source does not stop the rest. */
export async function pollAll(
  db: DataSource,
  config: BillpayConfig,
  options: PollOptions & { aggregator?: string } = {},
): Promise<PollReport[]> {
  const chosen = options.aggregator
    ? config.aggregators.filter((a) => a.id === options.aggregator)
    : config.aggregators;
  const swept = await sweepStaleStaging(options.stagingDir);
  if (swept) log.warn("removed staged copies left by an interrupted run", { files: swept });
  const reports: PollReport[] = [];
  for (const agg of chosen) reports.push(await pollSource(db, agg, options));
  return reports;
}
