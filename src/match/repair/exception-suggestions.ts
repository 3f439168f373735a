import type { Sql } from "../../store/sql";
import { centsFromDb } from "../../store/columns";
import { normalizeAccount } from "../../rules/account";
import type { RepairInput } from "./candidates";
import { nameKey } from "./names";
import { suggestRepairs, type Suggestion } from "./suggest";

/** The exceptions a repair can settle: the payment's account number is wrong or not billed. */
export const REPAIRABLE_REASONS = ["invalid_account", "unknown_account"] as const;

/**
 * Computes and stores the suggestions of these exceptions (those of a repairable reason; others
 * are left alone), in a few queries for all of them. Returns them by exception id.
 */
export async function storeSuggestions(sql: Sql, exceptionIds: number[]): Promise<Map<number, Suggestion[]>> {
  if (!exceptionIds.length) return new Map();
  const rows = (await sql.query(
    `SELECT e.id::int AS exception_id, p.id AS payment_id, p.account_raw, p.account_status, p.payer_name,
            p.amount_cents::text AS amount_cents
       FROM exceptions e JOIN payments p ON p.id = e.payment_id
      WHERE e.id = ANY($1::bigint[]) AND e.reason = ANY($2::text[])`,
    [exceptionIds, [...REPAIRABLE_REASONS]],
  )) as {
    exception_id: number;
    payment_id: string;
    account_raw: string | null;
    account_status: string;
    payer_name: string | null;
    amount_cents: string;
  }[];
  if (!rows.length) return new Map();
  const inputs: RepairInput[] = rows.map((r) => ({
    paymentId: r.payment_id,
    // An SSN-like value is stored masked: it says nothing about the account, the name still may.
    typed: r.account_status === "ssn_suspected" || !r.account_raw ? null : normalizeAccount(r.account_raw),
    payerName: r.payer_name,
    nameKey: nameKey(r.payer_name),
    amountCents: centsFromDb(r.amount_cents),
  }));
  const byPayment = await suggestRepairs(sql, inputs);
  const byException = new Map(rows.map((r) => [r.exception_id, byPayment.get(r.payment_id) ?? []]));
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
