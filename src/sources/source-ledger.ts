import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { SourceObjectEntity, type SourceDisposition, type SourceOutcome } from "../store/entities/source-object.entity";

/** A remote object as listed: the key that says "this exact file was already taken". */
export interface SourceObjectKey {
  aggregator: string;
  remotePath: string;
  sizeBytes: number;
  mtime: Date;
}

export async function findSourceObject(db: DataSource, key: SourceObjectKey): Promise<SourceObjectEntity | null> {
  return db.getRepository(SourceObjectEntity).findOneBy({
    aggregator: key.aggregator,
    remotePath: key.remotePath,
    sizeBytes: key.sizeBytes,
    mtime: key.mtime,
  });
}

/** Records (or re-records, after a crash) the committed outcome of one remote object. */
export async function recordSourceObject(
  db: DataSource,
  row: SourceObjectKey & {
    location: string;
    sha256: string | null;
    /** For an OpenPGP file: the plaintext's hash (sha256 is the received bytes'). */
    decryptedSha256?: string | null;
    fileId: string | null;
    outcome: SourceOutcome;
    disposition: SourceDisposition;
  },
): Promise<SourceObjectEntity> {
  await db.query(
    `INSERT INTO source_objects (id, aggregator, location, remote_path, size_bytes, mtime, sha256, file_id, outcome, disposition, decrypted_sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (aggregator, remote_path, size_bytes, mtime) DO UPDATE
       SET location = EXCLUDED.location, sha256 = EXCLUDED.sha256, decrypted_sha256 = EXCLUDED.decrypted_sha256, file_id = EXCLUDED.file_id, outcome = EXCLUDED.outcome,
           disposition = EXCLUDED.disposition, moved = false, moved_to = NULL, moved_at = NULL, seen_at = now()`,
    [
      randomUUID(),
      row.aggregator,
      row.location,
      row.remotePath,
      row.sizeBytes,
      row.mtime,
      row.sha256,
      row.fileId,
      row.outcome,
      row.disposition,
      row.decryptedSha256 ?? null,
    ],
  );
  const saved = await findSourceObject(db, row);
  if (!saved) throw new Error(`source object ${row.remotePath} was not recorded`);
  return saved;
}

export async function markMoved(db: DataSource, id: string, movedTo: string | null): Promise<void> {
  await db.getRepository(SourceObjectEntity).update({ id }, { moved: true, movedTo, movedAt: new Date() });
}
