import type { MatchStatus } from "../model";
import type { Sql } from "../store/sql";
import { appliedByInvoice, recordDecision } from "./decisions";
import { changePaid, findInvoice, type Invoice } from "./invoices";
import type { StoredPayment } from "./payments";

/** How a person's taking back of a payment's money is recorded: its decisions and the invoices' audit entries. */
export interface TakeBack {
  rule: string;
  outcome: MatchStatus;
  /** The invoices' audit action (payment_rejected, payment_returned). */
  action: string;
  by: string;
  /** The invoices' audit note. */
  note: string;
  /** Each decision's reason: for money taken off an invoice, or (invoice null) for a payment that applied none. */
  reason: (cents: number, invoice: Invoice | null) => string;
}

/**
 * Takes off each invoice what the payment applied to it (the invoice reopens), one decision of
 * negative cents each; a payment that applied nothing gets one decision of no money, so its trail
 * still says what was done. Returns the money taken off, by invoice.
 */
export async function takeBackApplications(
  tx: Sql,
  p: StoredPayment,
  t: TakeBack,
): Promise<{ invoiceNumber: string; cents: number }[]> {
  const taken: { invoiceNumber: string; cents: number }[] = [];
  const decision = { paymentId: p.id, rule: t.rule, outcome: t.outcome, decidedBy: t.by };
  for (const a of await appliedByInvoice(tx, p.id)) {
    const invoice = await findInvoice(tx, a.invoiceId);
    if (!invoice) continue;
    await changePaid(tx, invoice, -a.cents, { actor: t.by, note: t.note, action: t.action, paymentId: p.id });
    await recordDecision(tx, {
      ...decision,
      invoiceId: invoice.id,
      appliedCents: -a.cents,
      reason: t.reason(a.cents, invoice),
    });
    taken.push({ invoiceNumber: invoice.invoiceNumber, cents: -a.cents });
  }
  if (!taken.length)
    await recordDecision(tx, { ...decision, invoiceId: null, appliedCents: 0, reason: t.reason(p.amountCents, null) });
  return taken;
}
