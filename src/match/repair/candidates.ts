import type { Sql } from "../../store/sql";
import { invoicesFor, type Invoice } from "../invoices";

/**
 * The database side of repair suggestions, a few queries for any number of payments: billed
 * accounts one keystroke from each typed value (the GIN index over billpay_deletion_keys), accounts
 * billed to each payer's name (the index over billpay_name_key), those accounts' invoices, and
 * how often each payer name paid each of them before.
 */

export interface RepairInput {
  paymentId: string;
  /** The account as typed, blanks and dashes removed; null when it was not kept (an SSN-like value). */
  typed: string | null;
  payerName: string | null;
  nameKey: string | null;
  amountCents: number;
}

// Billed accounts one keystroke from x.value: a shared deletion key (the GIN index), or the value less one character.
const BY_SLIP = `SELECT DISTINCT i.account_number FROM invoices i
   WHERE billpay_deletion_keys(i.account_number) && (billpay_deletion_keys(x.value) || x.value)
      OR i.account_number = ANY (billpay_deletion_keys(x.value))`;
// A common name is billed to many accounts; a name alone is weak evidence, so a few suffice.
const BY_NAME = `SELECT DISTINCT i.account_number FROM invoices i
   WHERE billpay_name_key(i.member_name) = x.value ORDER BY i.account_number LIMIT 20`;

/**
 * Accounts found per payment; some of the slip finds are two keystrokes away and are dropped by
 * the caller. The two searches are independent: on a pool they run side by side.
 */
export async function candidateAccounts(sql: Sql, inputs: RepairInput[]): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>(inputs.map((i) => [i.paymentId, new Set<string>()]));
  const searches: [string, (i: RepairInput) => string | null][] = [
    [BY_SLIP, (i) => i.typed],
    [BY_NAME, (i) => i.nameKey],
  ];
  const results = await Promise.all(searches.map(([search, valueOf]) => searchAccounts(sql, search, inputs, valueOf)));
  for (const r of results.flat()) found.get(r.payment_id)?.add(r.account_number);
  return found;
}

async function searchAccounts(
  sql: Sql,
  search: string,
  inputs: RepairInput[],
  valueOf: (i: RepairInput) => string | null,
): Promise<{ payment_id: string; account_number: string }[]> {
  const asked = inputs.filter((i) => valueOf(i));
  if (!asked.length) return [];
  return (await sql.query(
    `SELECT x.payment_id, c.account_number
       FROM unnest($1::text[], $2::text[]) AS x(payment_id, value)
      CROSS JOIN LATERAL (${search}) c
      WHERE c.account_number <> x.value`,
    [asked.map((i) => i.paymentId), asked.map(valueOf)],
  )) as { payment_id: string; account_number: string }[];
}

/** Every invoice of these accounts, oldest month first, by account; read, not locked (a suggestion changes nothing). */
export async function invoicesOf(sql: Sql, accounts: string[]): Promise<Map<string, Invoice[]>> {
  const byAccount = new Map<string, Invoice[]>();
  for (const invoice of await invoicesFor(sql, accounts, [], false)) {
    byAccount.set(invoice.accountNumber, [...(byAccount.get(invoice.accountNumber) ?? []), invoice]);
  }
  return byAccount;
}

/** Payments applied to each account before, counted by the payer's name key: "account\0key" → count. */
export async function earlierPayers(sql: Sql, accounts: string[]): Promise<Map<string, number>> {
  const rows = (await sql.query(
    `SELECT account_number, billpay_name_key(payer_name) AS name_key, count(*)::int AS payments
       FROM payments
      WHERE account_number = ANY($1::text[]) AND payer_name IS NOT NULL
        AND match_status IN ('matched', 'combined_plans', 'partial', 'overpaid')
      GROUP BY 1, 2`,
    [accounts],
  )) as { account_number: string; name_key: string | null; payments: number }[];
  return new Map(rows.filter((r) => r.name_key).map((r) => [`${r.account_number}\u0000${r.name_key}`, r.payments]));
}
