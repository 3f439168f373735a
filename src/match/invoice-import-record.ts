import type { QueryRunner } from "typeorm";
import { appendAudit } from "./audit-log";

/** What one import did, as its invoice_imports row and audit entry record it. */
export interface ImportTally {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
}

/**
 * Opens the invoice_imports row of an import, in the caller's transaction: the invoices it creates
 * name it. Returns its id.
 */
export async function openImportRecord(runner: QueryRunner, fileName: string, actor: string): Promise<string> {
  const [row] = (await runner.query(`INSERT INTO invoice_imports (file_name, actor) VALUES ($1, $2) RETURNING id`, [
    fileName,
    actor,
  ])) as { id: string | number }[];
  return String(row.id);
}

/**
 * Closes an import's record before its commit: its file's sha256 and counts, and its one audit
 * entry. An import that created and changed nothing leaves no record, so that importing the same
 * file again writes nothing at all.
 */
export async function closeImportRecord(
  runner: QueryRunner,
  record: { id: string; fileName: string; sha256: string; actor: string },
  tally: ImportTally,
): Promise<void> {
  if (!tally.created && !tally.updated) {
    await runner.query(`DELETE FROM invoice_imports WHERE id = $1`, [record.id]);
    return;
  }
  await runner.query(
    `UPDATE invoice_imports SET sha256 = $2, rows = $3, created = $4, updated = $5, unchanged = $6, refused = $7
      WHERE id = $1`,
    [record.id, record.sha256, tally.rows, tally.created, tally.updated, tally.unchanged, tally.refused],
  );
  await appendAudit(runner, {
    actor: record.actor,
    entity: "invoice_import",
    entityId: record.id,
    action: "imported",
    before: null,
    after: { file_name: record.fileName, sha256: record.sha256, ...tally },
  });
}
