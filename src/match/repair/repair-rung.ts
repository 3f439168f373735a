import { REPAIRED_MATCH } from "../../model";
import type { Sql } from "../../store/sql";
import { balanceCents, type Invoice } from "../invoices";
import type { LadderDecision } from "../ladder";
import type { MatchBatch } from "../match-batch";
import { invoiceContext, reassess, type StoredPayment } from "../payments";
import { REPAIRABLE_REASONS, repairInputs } from "./exception-suggestions";
import { suggestRepairs, type Suggestion } from "./suggest";

/** The policy's auto-apply threshold for this payment, or null: suggest only (the default). */
function thresholdOf(p: StoredPayment): number | null {
  return p.policy.repair?.autoApplyAbove ?? null;
}

/**
 * The one suggestion above the threshold, when it pays open invoices; null when none is, or when
 * more than one is (then the evidence does not tell them apart and a person chooses).
 */
export function soleSuggestionAbove(suggestions: Suggestion[], threshold: number): Suggestion | null {
  const above = suggestions.filter((s) => s.score > threshold);
  return above.length === 1 && above[0].invoices.length ? above[0] : null;
}

/**
 * The repair rung, after the ladder has decided a batch: the batch's payments that opened a
 * wrong-account exception under a policy that allows auto-apply get their suggestions (a few
 * queries for all of them, kept for the exceptions), and those with one clear candidate are
 * matched to it. Returns the payments repaired.
 */
export async function repairWrongAccounts(
  tx: Sql,
  batch: MatchBatch,
  ids: string[],
  actor: string,
): Promise<StoredPayment[]> {
  const wrong = ids.map((id) => batch.payment(id)).filter((p) => thresholdOf(p) !== null && repairableOpen(batch, p));
  if (!wrong.length) return [];
  const suggested = await suggestRepairs(
    tx,
    await repairInputs(
      tx,
      wrong.map((p) => p.id),
    ),
  );
  batch.rememberSuggestions(suggested);
  const chosen = wrong.flatMap((p) => {
    const s = soleSuggestionAbove(suggested.get(p.id) ?? [], thresholdOf(p) as number);
    return s ? [{ p, s }] : [];
  });
  await batch.loadAccounts(
    tx,
    chosen.map((c) => c.s.accountNumber),
  );
  return chosen.filter(({ p, s }) => applyRepair(batch, p, s, actor)).map(({ p }) => p);
}

function repairableOpen(batch: MatchBatch, p: StoredPayment): boolean {
  return p.kind === "payment" && REPAIRABLE_REASONS.some((r) => batch.hasOpen(p.id, r));
}

/**
 * Takes the suggestion as a person taking it would (`apply-suggestion`): the account becomes the
 * suggested one and the money goes to the invoices the suggestion found it pays, if each still owes
 * what it did (an earlier payment of the batch may have paid one); otherwise a person decides.
 */
function applyRepair(batch: MatchBatch, p: StoredPayment, s: Suggestion, actor: string): boolean {
  const invoices = s.invoices.map((i) => batch.findInvoice(i.id));
  const owing = invoices.every((invoice, n) => invoice !== null && balanceCents(invoice) === s.invoices[n].cents);
  if (!owing || s.invoices.reduce((sum, i) => sum + i.cents, 0) !== p.amountCents) return false;
  const paid = invoices as Invoice[];
  const evidence = s.evidence.map((e) => e.detail).join("; ");
  const why = `one repair suggestion scores ${s.score.toFixed(2)}, above the policy's ${(thresholdOf(p) as number).toFixed(2)} (${evidence}): account ${s.accountNumber}, invoice ${paid.map((i) => i.invoiceNumber).join(" and ")}`;
  const account = { accountNumber: s.accountNumber, accountStatus: "repaired" } as const;
  const fixed = batch.updatePayment(p, account, { actor, action: "account_repaired", note: evidence });
  for (const reason of REPAIRABLE_REASONS)
    batch.closeOpenExceptions(p.id, { action: REPAIRED_MATCH, by: actor, note: why }, reason);
  const decision: LadderDecision = {
    outcome: "matched",
    rule: REPAIRED_MATCH,
    reason: why,
    applications: paid.map((invoice, n) => ({ invoice, cents: s.invoices[n].cents })),
    invoice: paid[0],
    exception: null,
  };
  batch.applyDecision(fixed, decision, why, actor);
  // Re-timed against the invoice it now pays; the account stays the repaired one (the typed one is still invalid).
  const change = { ...reassess(fixed, invoiceContext(paid[0])), ...account, matchStatus: decision.outcome };
  batch.updatePayment(fixed, change, { actor, action: "matched", note: `${REPAIRED_MATCH}: ${why}` });
  return true;
}
