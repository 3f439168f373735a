import { DateTime } from "luxon";
import type { DataSource } from "typeorm";
import { appendAudit, SYSTEM_ACTOR } from "../match/audit-log";
import { PAYEE_ZONE, type IsoDate } from "../model/dates";
import { DEFAULT_RETENTION_YEARS } from "../rules/payee-policy-defaults";
import { expireFiles } from "../sources/staging";
import { policiesByHash } from "../store/payee-policies";
import type { Sql } from "../store/sql";
import { retentionCutoff, retentionYears } from "./policy";

/** A folder of file copies the product keeps, and the first day (New York) a copy in it is still kept. */
export interface CopyFolder {
  dir: string;
  cutoff: IsoDate;
}

export interface RetentionOptions {
  today: IsoDate;
  dryRun: boolean;
  /** Staging and local archive folders; each copy dated (mtime, New York) before its cutoff is deleted. */
  folders: CopyFolder[];
  actor?: string;
}

export interface RetentionResult {
  today: IsoDate;
  dryRun: boolean;
  /** Each policy's cutoff in use: payments dated before it lose their raw text and payer name. */
  cutoffs: { policy: string; years: number; cutoff: IsoDate }[];
  payments: number;
  files: number;
}

/**
 * The payments past their period that still hold any of what is cleared (below), each under the
 * policy of the file that brought it ($1 policy hashes, '' for files posted before policies were
 * kept; $2 their cutoffs). A payment's day is its settlement day, else its initiation day, else
 * the day it was stored. What the record said beyond the ledger's figures is cleared: its raw text,
 * the payer's name, the account as typed and the adapter's details (addenda and references, free
 * text that can hold names). Amounts, dates, the account number, decisions and the audit log stay
 * (audit entries hold none of these; see docs/audit-and-retention.md).
 */
const DUE = `
  SELECT p.id FROM payments p
    JOIN remittance_files f ON f.id = p.file_id
    JOIN unnest($1::text[], $2::date[]) AS c(policy_hash, cutoff) ON c.policy_hash = coalesce(f.policy_hash, '')
   WHERE coalesce(p.settled_on, p.initiated_on, (p.created_at AT TIME ZONE '${PAYEE_ZONE}')::date) < c.cutoff
     AND (p.raw <> '' OR p.payer_name IS NOT NULL OR p.account_raw IS NOT NULL OR p.details <> '{}'::jsonb)`;

/** The cutoff under each policy files were posted with (a handful: policies repeat). */
async function policyCutoffs(sql: Sql, today: IsoDate): Promise<RetentionResult["cutoffs"]> {
  const rows = (await sql.query(`SELECT DISTINCT policy_hash FROM remittance_files`)) as {
    policy_hash: string | null;
  }[];
  const policyOf = await policiesByHash(
    sql,
    rows.map((r) => r.policy_hash),
  );
  return rows.map((r) => {
    const years = retentionYears(policyOf(r.policy_hash));
    return { policy: r.policy_hash ?? "", years, cutoff: retentionCutoff(today, years) };
  });
}

/** Copies in `folder` last modified before its cutoff day began (New York); with `remove`, deleted. */
function expireCopies(folder: CopyFolder, remove: boolean): Promise<number> {
  const dayStart = DateTime.fromISO(folder.cutoff, { zone: PAYEE_ZONE }).startOf("day").toMillis();
  return expireFiles(folder.dir, dayStart, remove);
}

/**
 * `billpay retention run`: deletes file copies past their period, then clears the raw record text
 * text, payer names, accounts as typed and details of payments past theirs in one UPDATE, recording the run in the same transaction
 * as one audit entry with its counts. A dry run counts the same things and changes nothing (no
 * audit entry either).
 */
export async function runRetention(db: DataSource, options: RetentionOptions): Promise<RetentionResult> {
  let files = 0;
  for (const folder of options.folders) files += await expireCopies(folder, !options.dryRun);
  return db.transaction(async (tx) => {
    const cutoffs = await policyCutoffs(tx, options.today);
    const [row] = (await tx.query(
      options.dryRun
        ? `SELECT count(*)::int AS n FROM (${DUE}) due`
        : `WITH due AS (${DUE}), cleared AS (
             UPDATE payments p SET raw = '', payer_name = NULL, account_raw = NULL, details = '{}'::jsonb FROM due WHERE p.id = due.id RETURNING 1)
           SELECT count(*)::int AS n FROM cleared`,
      [cutoffs.map((c) => c.policy), cutoffs.map((c) => c.cutoff)],
    )) as { n: number }[];
    const result = { today: options.today, dryRun: options.dryRun, cutoffs, payments: row.n, files };
    if (!options.dryRun) {
      await appendAudit(tx, {
        actor: options.actor ?? SYSTEM_ACTOR,
        entity: "retention",
        entityId: options.today,
        action: "run",
        before: null,
        after: { payments_cleared: result.payments, files_deleted: files, cutoffs },
      });
    }
    return result;
  });
}

/** The default cutoff, for folders no policy owns (staging). */
export function defaultCutoff(today: IsoDate): IsoDate {
  return retentionCutoff(today, DEFAULT_RETENTION_YEARS);
}
