import type { Sql } from "../../store/sql";
import { editBetween } from "./account-edits";
import { balanceCents, type Invoice } from "../invoices";
import { candidateAccounts, earlierPayers, invoicesOf, type RepairInput } from "./candidates";
import { amountEvidence, editEvidence, historyEvidence, nameEvidence, scoreOf, type Evidence } from "./evidence";
import { compareNames } from "./names";

/** One billed account a payment may have meant, with why; `invoices` are those its amount would pay. */
export interface Suggestion {
  rank: number;
  accountNumber: string;
  memberName: string;
  score: number;
  evidence: Evidence[];
  invoices: { id: string; invoiceNumber: string; cents: number }[];
}

/** Suggestions kept per payment: a person reads them, and past a few the evidence is thin. */
export const MAX_SUGGESTIONS = 5;

/** Ranked suggestions for each payment, from a few queries whatever the number of payments. */
export async function suggestRepairs(sql: Sql, inputs: RepairInput[]): Promise<Map<string, Suggestion[]>> {
  const found = await candidateAccounts(sql, inputs);
  const accounts = [...new Set([...found.values()].flatMap((s) => [...s]))];
  const [invoices, payers] = accounts.length
    ? await Promise.all([invoicesOf(sql, accounts), earlierPayers(sql, accounts)])
    : [new Map<string, Invoice[]>(), new Map<string, number>()];
  const out = new Map<string, Suggestion[]>();
  for (const input of inputs) {
    const ranked = [...(found.get(input.paymentId) ?? [])]
      .map((account) => candidate(input, account, invoices.get(account) ?? [], payers))
      .filter((s): s is Omit<Suggestion, "rank"> => s !== null)
      .sort((a, b) => b.score - a.score || (a.accountNumber < b.accountNumber ? -1 : 1))
      .slice(0, MAX_SUGGESTIONS);
    out.set(
      input.paymentId,
      ranked.map((s, i) => ({ rank: i + 1, ...s })),
    );
  }
  return out;
}

function candidate(
  input: RepairInput,
  account: string,
  invoices: Invoice[],
  payers: Map<string, number>,
): Omit<Suggestion, "rank"> | null {
  if (!invoices.length) return null;
  const memberName = invoices[invoices.length - 1].memberName;
  const evidence: Evidence[] = [];
  const edit = input.typed ? editBetween(input.typed, account) : null;
  if (edit) evidence.push(editEvidence(edit));
  const name = compareNames(input.payerName, memberName);
  if (name && input.payerName) evidence.push(nameEvidence(name, input.payerName, memberName));
  // A candidate stands on a slip of the account or on the name; the rest only adds to those.
  if (!evidence.length) return null;
  const paid = invoicesPaidBy(input.amountCents, invoices);
  if (paid.length)
    evidence.push(
      amountEvidence(
        input.amountCents,
        paid.map((i) => i.invoiceNumber),
      ),
    );
  const before = input.nameKey ? (payers.get(`${account}\u0000${input.nameKey}`) ?? 0) : 0;
  if (before) evidence.push(historyEvidence(before));
  return {
    accountNumber: account,
    memberName,
    score: scoreOf(evidence),
    evidence,
    invoices: paid.map((i) => ({ id: i.id, invoiceNumber: i.invoiceNumber, cents: balanceCents(i) })),
  };
}

/** The open invoice the amount pays exactly (oldest first), else a health and dental pair of one month it pays together. */
function invoicesPaidBy(amountCents: number, invoices: Invoice[]): Invoice[] {
  const open = invoices.filter((i) => balanceCents(i) > 0);
  const one = open.find((i) => balanceCents(i) === amountCents);
  if (one) return [one];
  for (const health of open.filter((i) => i.plan === "health")) {
    const dental = open.find(
      (i) =>
        i.plan === "dental" &&
        i.coverageMonth === health.coverageMonth &&
        balanceCents(health) + balanceCents(i) === amountCents,
    );
    if (dental) return [health, dental];
  }
  return [];
}
