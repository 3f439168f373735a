import { rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { DataSource } from "typeorm";
import { isLeave, type AggregatorConfig } from "../config/config-file";
import { ingestFile, quarantineUnread, type IngestResult, type SourceInfo } from "../ingest/pipeline";
import { log } from "../log";
import type { ErrorRecord } from "../model";
import type { SourceDisposition, SourceObjectEntity, SourceOutcome } from "../store/entities/source-object.entity";
import { VanishedError, type SourceFolder } from "./folder";
import { findSourceObject, markMoved, recordSourceObject } from "./source-ledger";
import { joinRemote, selectFiles, type ListedFile, type Skipped } from "./selection";
import { PgpError } from "./pgp/pgp-error";
import { loadPgpKeys, type PgpKeys } from "./pgp/pgp-keys";
import { FileTooLargeError, stageStream, type StagedFile } from "./staging";

/**
 * One poll of one source: list twice, take the stable files, stream each to staging, ingest it
 * (one transaction), record it in the source-object ledger, and only then move the remote file.
 * Every step is safe to repeat: a crash anywhere leaves either the file untouched (taken again,
 * posted once thanks to the file ledger) or a ledger row whose move the next poll completes.
 */

export type PolledStatus = "posted" | "duplicate" | "quarantined" | "failed" | "vanished" | "changed";

export interface PolledFile {
  name: string;
  remotePath: string;
  status: PolledStatus;
  fileId: string | null;
  payments: number;
  totalCents: number;
  sizeBytes: number;
  /** Where the remote file went; null when left in place. */
  movedTo: string | null;
  /** True when this poll only finished the move of a file an earlier poll had committed. */
  recovered: boolean;
  errors: ErrorRecord[];
  /** Set when the outcome is committed but the remote move failed (the next poll retries it). */
  moveError?: string;
  message?: string;
}

export interface PollReport {
  aggregator: string;
  location: string;
  ok: boolean;
  error: string | null;
  files: PolledFile[];
  skipped: Skipped[];
  /** Eligible files left for the next poll by maxFilesPerPoll. */
  deferred: number;
  /** Files the ledger already holds (e.g. left on a read-only dropbox). */
  known: number;
  durationMs: number;
}

export interface PollProgress {
  aggregator: string;
  name: string;
  phase: "download" | "ingest";
  bytes: number;
  totalBytes: number;
}

export interface PollOptions {
  onProgress?: (p: PollProgress) => void;
  onFile?: (f: PolledFile, aggregator: string) => void;
  /** Fault-injection points for tests (delete a file after the listing; crash before the move). */
  hooks?: {
    afterSelect?: (files: ListedFile[]) => Promise<void> | void;
    beforeMove?: (file: PolledFile) => Promise<void> | void;
  };
  now?: () => Date;
  /** Where downloads are staged; default dataDir()/staging. */
  stagingDir?: string;
}

export type EligibleFile = ListedFile & { oversize: boolean };

/** What a source holds right now, sorted by what the ledger knows of each stable file. */
export interface ReadyListing {
  /** Stable files the ledger has never seen, oldest first (before maxFilesPerPoll). */
  fresh: EligibleFile[];
  /** Committed by an earlier poll but not yet moved (a crash or a failed move). */
  unfinished: Array<{ file: EligibleFile; row: SourceObjectEntity }>;
  /** Already taken and moved, or left on a read-only dropbox. */
  known: number;
  skipped: Skipped[];
}

/** List twice a moment apart, apply the stable-file rules, and check each survivor in the ledger. */
export async function listReady(
  db: DataSource,
  agg: AggregatorConfig,
  folder: Pick<SourceFolder, "list">,
  now: Date,
): Promise<ReadyListing> {
  const dir = sourceDir(agg);
  const first = await folder.list(dir);
  if (agg.source.settleMs) await sleep(agg.source.settleMs);
  const second = await folder.list(dir);
  const selection = selectFiles(first, second, agg.source, now);
  for (const s of selection.skipped.filter((k) => k.reason === "unsafe_name")) {
    log.warn("refusing a remote file name", { aggregator: agg.id, name: JSON.stringify(s.name) });
  }
  const listing: ReadyListing = { fresh: [], unfinished: [], known: 0, skipped: selection.skipped };
  for (const file of selection.eligible) {
    const remotePath = joinRemote(dir, file.name);
    const row = await findSourceObject(db, { aggregator: agg.id, remotePath, sizeBytes: file.size, mtime: file.mtime });
    if (!row) listing.fresh.push(file);
    else if (!row.moved && row.disposition !== "leave") listing.unfinished.push({ file, row });
    else listing.known++;
  }
  return listing;
}

export function sourceDir(agg: AggregatorConfig): string {
  return agg.source.type === "sftp" ? agg.source.remoteDir : agg.source.dir;
}

export async function pollFolder(
  db: DataSource,
  agg: AggregatorConfig,
  folder: SourceFolder,
  options: PollOptions = {},
): Promise<PollReport> {
  const started = Date.now();
  const report: PollReport = {
    aggregator: agg.id,
    location: folder.location + sourceDir(agg),
    ok: true,
    error: null,
    files: [],
    skipped: [],
    deferred: 0,
    known: 0,
    durationMs: 0,
  };
  const steps = fileSteps(db, agg, folder, options);
  const done = (file: PolledFile): void => {
    report.files.push(file);
    options.onFile?.(file, agg.id);
  };

  const listing = await listReady(db, agg, folder, options.now?.() ?? new Date());
  report.skipped = listing.skipped;
  report.known = listing.known;
  for (const { file, row } of listing.unfinished) done(await steps.finishMove(row, file));
  const fresh = listing.fresh;
  const batch = fresh.slice(0, agg.source.maxFilesPerPoll);
  report.deferred = fresh.length - batch.length;
  for (const file of fresh.slice(batch.length)) report.skipped.push({ name: file.name, reason: "deferred" });
  await options.hooks?.afterSelect?.(batch);

  let stopped: string | null = null;
  for (const file of batch) {
    try {
      done(await steps.take(file));
    } catch (error) {
      // Retries are spent (the server went away): the remaining files wait for the next poll.
      stopped = `${file.name}: ${(error as Error).message}`;
      log.error("source stopped mid-poll", { aggregator: agg.id, file: file.name, error: (error as Error).message });
      break;
    }
  }
  const moveErrors = report.files.filter((f) => f.moveError).length;
  const failed = report.files.filter((f) => f.status === "failed").length;
  if (stopped || moveErrors || failed) {
    report.ok = false;
    report.error = [
      stopped,
      failed && `${failed} file(s) failed`,
      moveErrors && `${moveErrors} file(s) could not be moved`,
    ]
      .filter(Boolean)
      .join("; ");
  }
  report.durationMs = Date.now() - started;
  return report;
}

/** The per-file half of a poll, for `pollFolder` and for the service's one-file jobs. */
export interface FileSteps {
  /** Download, ingest (one transaction), record in the source-object ledger, then move. */
  take(file: EligibleFile): Promise<PolledFile>;
  /** Only the move, for a file whose outcome an earlier poll committed (a crash or a failed move). */
  finishMove(row: SourceObjectEntity, file: ListedFile): Promise<PolledFile>;
}

export function fileSteps(
  db: DataSource,
  agg: AggregatorConfig,
  folder: SourceFolder,
  options: PollOptions = {},
): FileSteps {
  return new SourceFileSteps(db, agg, folder, options);
}

/** One file on its way through `take`: where it is, how it was listed, and its result so far. */
interface Taking {
  file: EligibleFile;
  remotePath: string;
  sourceInfo: SourceInfo;
  base: PolledFile;
}

/** One per poll (or one-file job), so each target folder is made at most once. */
class SourceFileSteps implements FileSteps {
  private readonly source: AggregatorConfig["source"];
  private readonly dir: string;
  private readonly readyDirs = new Set<string>();
  /** Read and unlocked once per poll, at the first file (a poll with nothing to take needs no key). */
  private pgpKeys: Promise<PgpKeys> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly agg: AggregatorConfig,
    private readonly folder: SourceFolder,
    private readonly options: PollOptions,
  ) {
    this.source = agg.source;
    this.dir = sourceDir(agg);
  }

  async take(file: EligibleFile): Promise<PolledFile> {
    const taking = this.taking(file);
    if (file.oversize) return this.quarantineOversize(taking);
    let staged: StagedFile;
    try {
      staged = await this.download(taking, await this.keys());
    } catch (error) {
      if (error instanceof VanishedError) return { ...taking.base, status: "vanished", message: error.message };
      if (error instanceof FileTooLargeError) return this.quarantineOversize(taking);
      if (error instanceof PgpError) return this.refusePgp(taking, error);
      throw error;
    }
    try {
      return await this.postStaged(taking, staged);
    } finally {
      await rm(staged.path, { force: true });
    }
  }

  async finishMove(row: SourceObjectEntity, file: ListedFile): Promise<PolledFile> {
    log.info("completing the move of a file committed by an earlier poll", {
      aggregator: this.agg.id,
      file: file.name,
      outcome: row.outcome,
    });
    const polled: PolledFile = {
      name: file.name,
      remotePath: row.remotePath,
      status: row.outcome,
      fileId: row.fileId,
      payments: 0,
      totalCents: 0,
      sizeBytes: file.size,
      movedTo: null,
      recovered: true,
      errors: [],
    };
    return this.moveAfterCommit(row, polled);
  }

  private taking(file: EligibleFile): Taking {
    const remotePath = joinRemote(this.dir, file.name);
    const sourceInfo: SourceInfo = {
      kind: this.folder.kind,
      location: this.folder.location + remotePath,
      sizeBytes: file.size,
      mtime: file.mtime,
    };
    const base: PolledFile = {
      name: file.name,
      remotePath,
      status: "failed",
      fileId: null,
      payments: 0,
      totalCents: 0,
      sizeBytes: file.size,
      movedTo: null,
      recovered: false,
      errors: [],
    };
    return { file, remotePath, sourceInfo, base };
  }

  private keys(): Promise<PgpKeys> | undefined {
    const pgp = this.source.pgp;
    if (!pgp) return undefined;
    this.pgpKeys ??= loadPgpKeys(pgp, `${this.agg.keyPath}.pgp`);
    return this.pgpKeys;
  }

  private download({ file, remotePath }: Taking, pgp: PgpKeys | undefined): Promise<StagedFile> {
    const source = this.source;
    return this.folder.download(remotePath, (input) =>
      stageStream(input, {
        name: file.name,
        pgp,
        dir: this.options.stagingDir,
        maxBytes: source.maxFileBytes,
        idleTimeoutMs: "timeoutSeconds" in source ? source.timeoutSeconds * 1000 : 0,
        onBytes: (bytes) =>
          this.options.onProgress?.({
            aggregator: this.agg.id,
            name: file.name,
            phase: "download",
            bytes,
            totalBytes: file.size,
          }),
      }),
    );
  }

  /** Ingest the staged copy, record the outcome in the source-object ledger, then move the remote file. */
  private async postStaged(taking: Taking, staged: StagedFile): Promise<PolledFile> {
    const { file, base } = taking;
    if (staged.sizeBytes !== file.size) {
      return {
        ...base,
        status: "changed",
        message: `${file.name} changed while it was read (listed ${file.size} bytes, read ${staged.sizeBytes}); taking it on a later poll`,
      };
    }
    let result: IngestResult;
    try {
      result = await this.ingest(taking, staged);
    } catch (error) {
      log.error("ingest failed; the file stays on the source for the next poll", {
        aggregator: this.agg.id,
        file: file.name,
        error,
      });
      return { ...base, status: "failed", message: (error as Error).message };
    }
    const outcome = result.status as SourceOutcome;
    const disposition = await this.dispositionOf(result);
    const row = await recordSourceObject(this.db, {
      aggregator: this.agg.id,
      location: this.folder.location,
      remotePath: taking.remotePath,
      sizeBytes: file.size,
      mtime: file.mtime,
      sha256: staged.sha256,
      decryptedSha256: staged.decrypted?.sha256 ?? null,
      fileId: result.fileId,
      outcome,
      disposition,
    });
    const polled: PolledFile = {
      ...base,
      status: outcome,
      fileId: result.fileId,
      payments: result.payments,
      totalCents: result.totalCents,
      errors: result.errors,
    };
    return await this.moveAfterCommit(row, polled);
  }

  private ingest({ file, sourceInfo }: Taking, staged: StagedFile): Promise<IngestResult> {
    const agg = this.agg;
    return ingestFile(
      this.db,
      {
        aggregator: agg.id,
        path: staged.path,
        name: file.name,
        mapping: agg.mapping,
        source: sourceInfo,
        // Duplicates are by content: a file the sender encrypted again is still the same file.
        hashed: staged.decrypted ?? staged,
      },
      {
        onProgress: ({ bytes }) =>
          this.options.onProgress?.({
            aggregator: agg.id,
            name: file.name,
            phase: "ingest",
            bytes,
            totalBytes: file.size,
          }),
      },
    );
  }

  private quarantineOversize(taking: Taking): Promise<PolledFile> {
    const message = `${taking.file.size} bytes is over maxFileBytes (${this.source.maxFileBytes}); not read`;
    return this.quarantineUnreadable(taking, { code: "file_too_large", line: null, field: null, message }, null);
  }

  /** An OpenPGP file that failed decryption or verification: quarantined under its own code, nothing posted. */
  private refusePgp(taking: Taking, error: PgpError): Promise<PolledFile> | PolledFile {
    const { file, base } = taking;
    // A file still growing ends early too: only a file read at its listed size is the sender's fault.
    if (error.received?.sizeBytes !== file.size) {
      const read = error.received?.sizeBytes ?? "fewer";
      const message = `${file.name} changed while it was read (listed ${file.size} bytes, read ${read}); taking it on a later poll`;
      return { ...base, status: "changed", message };
    }
    log.warn("OpenPGP file refused", {
      aggregator: this.agg.id,
      file: file.name,
      code: error.code,
      error: error.message,
    });
    const record: ErrorRecord = { code: error.code, line: null, field: null, message: error.message };
    return this.quarantineUnreadable(taking, record, error.received.sha256);
  }

  private async quarantineUnreadable(
    { file, base, sourceInfo }: Taking,
    error: ErrorRecord,
    sha256: string | null,
  ): Promise<PolledFile> {
    const agg = this.agg;
    const errors = [error];
    const result = await quarantineUnread(this.db, {
      aggregator: agg.id,
      name: file.name,
      sha256,
      sizeBytes: file.size,
      source: sourceInfo,
      errors,
      adapter: agg.mapping.adapter.id,
    });
    const row = await recordSourceObject(this.db, {
      aggregator: agg.id,
      location: this.folder.location,
      remotePath: base.remotePath,
      sizeBytes: file.size,
      mtime: file.mtime,
      sha256,
      fileId: result.fileId,
      outcome: "quarantined",
      disposition: this.targetKind("quarantined"),
    });
    return this.moveAfterCommit(row, { ...base, status: "quarantined", fileId: result.fileId, errors });
  }

  /** A duplicate goes where its first copy went: a re-sent bad file belongs with the errors. */
  private async dispositionOf(result: IngestResult): Promise<SourceDisposition> {
    if (result.status !== "duplicate" || !result.fileId) return this.targetKind(result.status as SourceOutcome);
    const rows = (await this.db.query(`SELECT status FROM remittance_files WHERE id = $1`, [result.fileId])) as {
      status: string;
    }[];
    return this.targetKind(rows[0]?.status === "quarantined" ? "quarantined" : "posted");
  }

  private targetKind(outcome: SourceOutcome): SourceDisposition {
    const target = outcome === "quarantined" ? this.source.errorDir : this.source.archiveDir;
    if (isLeave(target)) return "leave";
    return outcome === "quarantined" ? "error" : "archive";
  }

  private async moveAfterCommit(row: SourceObjectEntity, polled: PolledFile): Promise<PolledFile> {
    if (row.disposition === "leave") return polled;
    const source = this.source;
    try {
      await this.options.hooks?.beforeMove?.(polled);
      const targetDir = row.disposition === "error" ? source.errorDir : source.archiveDir;
      await this.ensureDir(targetDir);
      const target = await this.freeName(targetDir, polled.name, row.sha256);
      await this.folder.rename(row.remotePath, target);
      await markMoved(this.db, row.id, target);
      if (source.doneSuffix) await this.moveDoneFile(row.remotePath + source.doneSuffix, target + source.doneSuffix);
      return { ...polled, movedTo: target };
    } catch (error) {
      if (await this.goneFrom(row.remotePath)) return this.movedElsewhere(row, polled);
      log.error("file committed but not moved; the next poll will move it", {
        aggregator: this.agg.id,
        file: polled.name,
        error,
      });
      return { ...polled, moveError: (error as Error).message };
    }
  }

  /** Whether the file has left its folder (asking the server; false when even that fails). */
  private async goneFrom(remotePath: string): Promise<boolean> {
    try {
      return !(await this.folder.exists(remotePath));
    } catch {
      return false;
    }
  }

  /**
   * Two instances that each poll the folder (two `billpay ingest` runs, or versions mixed in a
   * rollout) can take one file: the second to commit finds a duplicate, and whichever moves second
   * finds the file gone. The outcome is committed and nothing is left to move, so that is no error.
   */
  private async movedElsewhere(row: SourceObjectEntity, polled: PolledFile): Promise<PolledFile> {
    log.info("file already moved from the folder by another instance", {
      aggregator: this.agg.id,
      file: polled.name,
      outcome: row.outcome,
    });
    await markMoved(this.db, row.id, null);
    return { ...polled, message: "already moved by another instance" };
  }

  private async ensureDir(targetDir: string): Promise<void> {
    if (this.readyDirs.has(targetDir)) return;
    await this.folder.ensureDir(targetDir);
    this.readyDirs.add(targetDir);
  }

  /** The archive may already hold a file of that name (senders reuse names): never overwrite it. */
  private async freeName(targetDir: string, name: string, sha256: string | null): Promise<string> {
    const plain = joinRemote(targetDir, name);
    if (!(await this.folder.exists(plain))) return plain;
    const ext = path.posix.extname(name);
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "Z");
    return joinRemote(
      targetDir,
      `${name.slice(0, name.length - ext.length)}.${stamp}-${(sha256 ?? "unread").slice(0, 8)}${ext}`,
    );
  }

  private async moveDoneFile(from: string, to: string): Promise<void> {
    try {
      if (await this.folder.exists(from)) await this.folder.rename(from, to);
    } catch (error) {
      log.warn("could not move the done-file", {
        aggregator: this.agg.id,
        file: from,
        error: (error as Error).message,
      });
    }
  }
}
