import { formatUsd, type MatchStatus } from "../model";
import type { Sql } from "./audit-log";
import { appliedByInvoice, recordDecision } from "./decisions";
import { closeOpenExceptions, openException } from "./exceptions";
import { changePaid, findInvoice } from "./invoices";
import { selectPayments, updatePayment, type StoredPayment } from "./payments";

/** How far back a reversal or return looks for its original when no reference ties them (ACH: ~5 business days). */
export const REVERSAL_WINDOW_DAYS = 14;

/**
 * The payment a reversal or return undoes: by reference first (its original_ref, or its own
 * trace, within the same aggregator), else — only when it names no original — the latest payment
 * of the same account and amount that settled up to REVERSAL_WINDOW_DAYS before it. Already
 * reversed payments are skipped.
 */
export async function findOriginal(
  sql: Sql,
  r: StoredPayment,
): Promise<{ original: StoredPayment; by: "reference" | "account_amount_date" } | null> {
  const open = `p.kind = 'payment' AND p.status = 'active' AND p.match_status <> 'reversed' AND p.id <> $1`;
  const refs = [r.originalRef, r.sourceRef].filter((v): v is string => !!v);
  if (refs.length) {
    const byRef = await selectPayments(
      sql,
      `${open} AND p.aggregator = $2 AND p.source_ref = ANY($3::text[])`,
      [r.id, r.aggregator, refs],
      "ORDER BY p.settled_on DESC NULLS LAST LIMIT 1",
    );
    if (byRef.length) return { original: byRef[0], by: "reference" };
  }
  // An explicit reference that names no payment we hold waits for it: guessing could undo the wrong payment.
  if (r.originalRef || !r.settledOn || (!r.accountNumber && !r.accountRaw)) return null;
  // An unusable account (a typo, an SSN kept masked) is compared as it was stored.
  const near = await selectPayments(
    sql,
    `${open} AND p.amount_cents = $3 AND p.settled_on BETWEEN $4::date - $5::int AND $4::date
       AND (p.account_number = $2 OR (p.account_number IS NULL AND $2::text IS NULL AND p.account_raw = $6))`,
    [r.id, r.accountNumber, r.amountCents, r.settledOn, REVERSAL_WINDOW_DAYS, r.accountRaw],
    "ORDER BY p.settled_on DESC, f.posted_at DESC, p.line LIMIT 1",
  );
  return near.length ? { original: near[0], by: "account_amount_date" } : null;
}

/**
 * Matches a reversal or return to its original and undoes the original's application: the
 * invoice loses that money and reopens, the original becomes `reversed` and its open exceptions
 * close. Works whenever the reversal arrives (a later file, days later). Without an original the
 * reversal waits, unmatched, with an `original_not_found` exception, and is retried on every run.
 */
export async function matchReversal(
  tx: Sql,
  r: StoredPayment,
  actor: string,
): Promise<{ outcome: MatchStatus | null; exceptions: number }> {
  const found = await findOriginal(tx, r);
  if (!found) return awaitOriginal(tx, r, actor);
  const how = found.by === "reference" ? "by reference" : `by account and amount within ${REVERSAL_WINDOW_DAYS} days`;
  await reverseOriginal(tx, r, found.original, how, actor);
  await matchToOriginal(tx, r, found, how, actor);
  return { outcome: "matched", exceptions: 0 };
}

function describeReversal(r: StoredPayment): string {
  return `${r.kind} of ${formatUsd(r.amountCents)} in file ${r.fileName} line ${r.line}`;
}

async function awaitOriginal(
  tx: Sql,
  r: StoredPayment,
  actor: string,
): Promise<{ outcome: MatchStatus | null; exceptions: number }> {
  const message = `no payment found for this ${r.kind} (by reference, or by account and amount within ${REVERSAL_WINDOW_DAYS} days before it); nothing was undone`;
  const opened = await openException(
    tx,
    r.id,
    {
      reason: "original_not_found",
      message,
      amountCents: r.amountCents,
      invoiceId: null,
      details: { original_ref: r.originalRef, reason_code: r.reasonCode },
    },
    actor,
  );
  return { outcome: null, exceptions: opened === null ? 0 : 1 };
}

async function reverseOriginal(tx: Sql, r: StoredPayment, o: StoredPayment, how: string, actor: string): Promise<void> {
  const what = describeReversal(r);
  const undone = await undoApplications(tx, r, o, how, actor);
  const note = `${what} undoes this payment (${how})${undone.length ? `; invoice ${undone.join(", ")} reopened` : "; nothing had been applied"}`;
  // The original still needs a decision saying why it is reversed when no invoice recorded one.
  if (!undone.length)
    await recordDecision(tx, {
      paymentId: o.id,
      invoiceId: null,
      relatedPaymentId: r.id,
      rule: "reversed",
      outcome: "reversed",
      appliedCents: 0,
      reason: note,
      decidedBy: actor,
    });
  await updatePayment(tx, o, { matchStatus: "reversed" }, { actor, action: "reversed", note });
  await closeOpenExceptions(tx, o.id, { action: "reversed", by: actor, note });
}

async function undoApplications(
  tx: Sql,
  r: StoredPayment,
  o: StoredPayment,
  how: string,
  actor: string,
): Promise<string[]> {
  const what = describeReversal(r);
  const undone: string[] = [];
  for (const a of await appliedByInvoice(tx, o.id)) {
    const invoice = await findInvoice(tx, a.invoiceId);
    if (!invoice) continue;
    await changePaid(tx, invoice, -a.cents, {
      actor,
      action: "payment_reversed",
      paymentId: o.id,
      note: `${what} undoes ${formatUsd(a.cents)}`,
    });
    const reason = `${what} undoes this payment (${how}); ${formatUsd(a.cents)} taken off invoice ${invoice.invoiceNumber}, which is open again`;
    await recordDecision(tx, {
      paymentId: o.id,
      invoiceId: invoice.id,
      relatedPaymentId: r.id,
      rule: "reversed",
      outcome: "reversed",
      appliedCents: -a.cents,
      reason,
      decidedBy: actor,
    });
    undone.push(invoice.invoiceNumber);
  }
  return undone;
}

async function matchToOriginal(
  tx: Sql,
  r: StoredPayment,
  found: { original: StoredPayment; by: "reference" | "account_amount_date" },
  how: string,
  actor: string,
): Promise<void> {
  const o = found.original;
  const reason = `undoes payment ${o.id} of ${formatUsd(o.amountCents)} in file ${o.fileName} line ${o.line} (${how})`;
  await recordDecision(tx, {
    paymentId: r.id,
    invoiceId: null,
    relatedPaymentId: o.id,
    rule: `reversal_${found.by}`,
    outcome: "matched",
    appliedCents: 0,
    reason,
    decidedBy: actor,
  });
  await updatePayment(tx, r, { matchStatus: "matched" }, { actor, action: "matched", note: reason });
  await closeOpenExceptions(tx, r.id, { action: "original_found", by: actor, note: reason });
}
