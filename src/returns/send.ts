import type { DataSource } from "typeorm";
import { log } from "../log";
import { tryAdvisoryLock } from "../service/advisory-lock";
import { isEmbedded } from "../store/data-source";
import type { SendStatus } from "../store/entities/outbound-file.entity";

/** The server operations sending needs (SftpFolder has them). */
export interface Outbox {
  readonly location: string;
  ensureDir(dir: string): Promise<void>;
  upload(content: Buffer, path: string): Promise<void>;
  sizeOf(path: string): Promise<number | null>;
  rename(from: string, to: string): Promise<void>;
}

export interface SendRequest {
  aggregator: string;
  outboundDir: string;
  /** Called after the upload and rename, before `sent` is committed (the kill -9 drill stops there). */
  afterUpload?: (name: string) => Promise<void>;
}

export interface SendResult {
  /** Uploaded now. */
  sent: string[];
  /** Found on the server, whole, after an earlier send died before recording it: not uploaded again. */
  recovered: string[];
}

interface Unsent {
  id: string;
  name: string;
  content: string;
  sizeBytes: number;
  status: SendStatus;
  remotePath: string | null;
}

async function unsent(db: DataSource, aggregator: string): Promise<Unsent[]> {
  const rows = (await db.query(
    `SELECT id, name, content, size_bytes::text AS "sizeBytes", send_status AS status, remote_path AS "remotePath"
       FROM outbound_files WHERE aggregator = $1 AND send_status <> 'sent' ORDER BY built_at, name`,
    [aggregator],
  )) as (Omit<Unsent, "sizeBytes"> & { sizeBytes: string })[];
  return rows.map((r) => ({ ...r, sizeBytes: Number(r.sizeBytes) }));
}

/**
 * Sends the aggregator's unsent return files, each exactly once. The outbound ledger says
 * `sending` (committed) before the upload starts, and `sent` after the rename. A file left
 * `sending` was perhaps uploaded by a process that died before the commit: when the server holds
 * it under its name with its size, it is recorded as sent without uploading it again. The upload
 * goes to a dot-name first and is renamed, so the aggregator never picks up half a file.
 */
export async function sendReturns(db: DataSource, outbox: Outbox, req: SendRequest): Promise<SendResult> {
  // Two senders at once would each take a `sending` file for the other's dead one. The embedded
  // database is one process's, and its single connection cannot be held aside for a lock.
  const lock = isEmbedded(db) ? null : await tryAdvisoryLock(db, "outbound", req.aggregator);
  if (!isEmbedded(db) && !lock) throw new SendBusyError(req.aggregator);
  try {
    return await sendUnsent(db, outbox, req);
  } finally {
    await lock?.release();
  }
}

/** Another process is sending this aggregator's files now. */
export class SendBusyError extends Error {
  constructor(aggregator: string) {
    super(`return files of ${aggregator} are being sent by another process`);
    this.name = "SendBusyError";
  }
}

async function sendUnsent(db: DataSource, outbox: Outbox, req: SendRequest): Promise<SendResult> {
  const result: SendResult = { sent: [], recovered: [] };
  const files = await unsent(db, req.aggregator);
  if (files.length) await outbox.ensureDir(req.outboundDir);
  for (const f of files) {
    const target = f.remotePath ?? `${req.outboundDir}/${f.name}`;
    if (f.status === "sending" && (await outbox.sizeOf(target)) === f.sizeBytes) {
      await markSent(db, f.id);
      result.recovered.push(f.name);
      log.info("return file found on the server; recorded as sent", { file: f.name, location: outbox.location });
      continue;
    }
    if (f.status === "built") await markSending(db, f.id, target);
    const temporary = `${req.outboundDir}/.${f.name}.part`;
    await outbox.upload(Buffer.from(f.content, "latin1"), temporary);
    await outbox.rename(temporary, target);
    await req.afterUpload?.(f.name);
    await markSent(db, f.id);
    result.sent.push(f.name);
    log.info("return file sent", { file: f.name, bytes: f.sizeBytes, location: outbox.location });
  }
  return result;
}

async function markSending(db: DataSource, id: string, remotePath: string): Promise<void> {
  const rows = (await db.query(
    `UPDATE outbound_files SET send_status = 'sending', remote_path = $2, send_started_at = now()
      WHERE id = $1 AND send_status = 'built' RETURNING id`,
    [id, remotePath],
  )) as unknown[];
  // Another sender took it between the read and now: it is that sender's to finish.
  if (!rowCount(rows)) throw new Error(`return file ${id} is being sent by another process`);
}

async function markSent(db: DataSource, id: string): Promise<void> {
  await db.query(`UPDATE outbound_files SET send_status = 'sent', sent_at = now() WHERE id = $1`, [id]);
}

/** TypeORM's postgres driver returns [rows, count] for UPDATE … RETURNING. */
function rowCount(result: unknown[]): number {
  const [rows] = result as [unknown[], number];
  return Array.isArray(rows) ? rows.length : 0;
}
