import type { Sql } from "../../store/sql";
import { centsFromDb } from "../../store/columns";
import { normalizeAccount } from "../../rules/account";
import type { RepairInput } from "./candidates";
import { nameKey } from "./names";
import { suggestRepairs, type Suggestion } from "./suggest";

/** The exceptions a repair can settle: the payment's account number is wrong or not billed. */
export const REPAIRABLE_REASONS = ["invalid_account", "unknown_account"] as const;

interface RepairRow {
  payment_id: string;
  account_raw: string | null;
  account_status: string;
  payer_name: string | null;
  amount_cents: string;
}

const REPAIR_COLUMNS = `p.id AS payment_id, p.account_raw, p.account_status, p.payer_name, p.amount_cents::text AS amount_cents`;

function repairInput(r: RepairRow): RepairInput {
  return {
    paymentId: r.payment_id,
    // An SSN-like value is stored masked: it says nothing about the account, the name still may.
    typed: r.account_status === "ssn_suspected" || !r.account_raw ? null : normalizeAccount(r.account_raw),
    payerName: r.payer_name,
    nameKey: nameKey(r.payer_name),
    amountCents: centsFromDb(r.amount_cents),
  };
}

/** What a suggestion is computed from, for each of these payments, read in one query. */
export async function repairInputs(sql: Sql, paymentIds: string[]): Promise<RepairInput[]> {
  const rows = (await sql.query(`SELECT ${REPAIR_COLUMNS} FROM payments p WHERE p.id = ANY($1::uuid[])`, [
    paymentIds,
  ])) as RepairRow[];
  return rows.map(repairInput);
}

/**
 * Computes and stores the suggestions of these exceptions (those of a repairable reason; others
 * are left alone), in a few queries for all of them; `known`: suggestions already computed, by
 * payment (the repair rung's), stored as they are. Returns them by exception id.
 */
export async function storeSuggestions(
  sql: Sql,
  exceptionIds: number[],
  known: ReadonlyMap<string, Suggestion[]> = new Map(),
): Promise<Map<number, Suggestion[]>> {
  if (!exceptionIds.length) return new Map();
  // One query for the exceptions and their payments: flush calls this for every batch.
  const rows = (await sql.query(
    `SELECT e.id::int AS exception_id, ${REPAIR_COLUMNS} FROM exceptions e JOIN payments p ON p.id = e.payment_id
      WHERE e.id = ANY($1::bigint[]) AND e.reason = ANY($2::text[])`,
    [exceptionIds, [...REPAIRABLE_REASONS]],
  )) as (RepairRow & { exception_id: number })[];
  if (!rows.length) return new Map();
  const toCompute = rows.filter((r) => !known.has(r.payment_id)).map(repairInput);
  const computed = toCompute.length ? await suggestRepairs(sql, toCompute) : new Map<string, Suggestion[]>();
  const byException = new Map(
    rows.map((r) => [r.exception_id, known.get(r.payment_id) ?? computed.get(r.payment_id) ?? []]),
  );
  await sql.query(
    `UPDATE exceptions e SET suggestions = x.suggestions
       FROM unnest($1::bigint[], $2::jsonb[]) AS x(id, suggestions) WHERE e.id = x.id`,
    [[...byException.keys()], [...byException.values()].map((s) => JSON.stringify(s))],
  );
  return byException;
}

/** An exception's suggestions, computed and stored now if they never were; empty for other reasons. */
export async function suggestionsFor(sql: Sql, exceptionId: number): Promise<Suggestion[]> {
  const rows = (await sql.query(`SELECT reason, suggestions FROM exceptions WHERE id = $1`, [exceptionId])) as {
    reason: string;
    suggestions: Suggestion[] | null;
  }[];
  if (!rows.length || !(REPAIRABLE_REASONS as readonly string[]).includes(rows[0].reason)) return [];
  return rows[0].suggestions ?? (await storeSuggestions(sql, [exceptionId])).get(exceptionId) ?? [];
}
