import { formatUsd, type MatchStatus } from "../model";
import { addDays } from "../rules/local-date";
import type { Sql } from "../store/sql";
import type { MatchBatch } from "./match-batch";
import { selectPayments, type StoredPayment } from "./payments";

/** How far back a reversal or return looks for its original when no reference ties them (ACH: ~5 business days). */
export const REVERSAL_WINDOW_DAYS = 14;

/**
 * The payments a batch's reversals and returns may undo, looked up by trace and by account as
 * they were read; findOriginal checks each against the batch's state as it now is.
 */
export class Originals {
  private readonly byRef = new Map<string, string[]>();
  private readonly byAccount = new Map<string, string[]>();

  constructor(readonly candidates: StoredPayment[]) {
    for (const o of candidates) {
      if (o.sourceRef !== null) add(this.byRef, refKey(o.aggregator, o.sourceRef), o.id);
      add(this.byAccount, accountKey(o), o.id);
    }
  }

  withRef(aggregator: string, ref: string): string[] {
    return this.byRef.get(refKey(aggregator, ref)) ?? [];
  }

  ofAccount(p: StoredPayment): string[] {
    return this.byAccount.get(accountKey(p)) ?? [];
  }
}

function add(map: Map<string, string[]>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids) ids.push(id);
  else map.set(key, [id]);
}

const refKey = (aggregator: string, ref: string) => JSON.stringify([aggregator, ref]);
/** An unusable account (a typo, an SSN kept masked) is compared as it was stored. */
const accountKey = (p: StoredPayment) =>
  JSON.stringify([p.accountNumber, p.accountNumber === null ? p.accountRaw : null]);

/**
 * Every payment the batch's reversals and returns may undo (see findOriginal), in one query: those
 * with a reference they name, and those of the same account and amount that settled up to
 * REVERSAL_WINDOW_DAYS before one that names no original. A payment of the batch itself is one too.
 */
export async function originalCandidates(sql: Sql, batch: StoredPayment[]): Promise<Originals> {
  const undoing = batch.filter((p) => p.kind === "reversal" || p.kind === "return");
  const refs = undoing.flatMap((r) => references(r).map((ref) => [r.aggregator, ref]));
  const near = undoing.filter(looksNearby);
  const byAccount = near.filter((r) => r.accountNumber !== null);
  const byRaw = near.filter((r) => r.accountNumber === null);
  if (!refs.length && !near.length) return new Originals([]);
  // Driven from the reversals (one index look-up each), so that the plan does not hang on fresh statistics.
  const open = `o.kind = 'payment' AND o.status = 'active' AND o.match_status <> 'reversed'`;
  const window = `o.amount_cents = n.amount_cents AND o.settled_on BETWEEN n.settled_on - ${REVERSAL_WINDOW_DAYS} AND n.settled_on`;
  const candidates = await selectPayments(
    sql,
    `p.id IN (
       SELECT o.id FROM unnest($1::text[], $2::text[]) AS n(aggregator, ref)
        CROSS JOIN LATERAL (SELECT o.id FROM payments o WHERE o.aggregator = n.aggregator AND o.source_ref = n.ref AND ${open}) o
       UNION
       SELECT o.id FROM unnest($3::text[], $4::bigint[], $5::date[]) AS n(account, amount_cents, settled_on)
        CROSS JOIN LATERAL (SELECT o.id FROM payments o WHERE o.account_number = n.account AND ${window} AND ${open}) o
       UNION
       SELECT o.id FROM payments o JOIN unnest($6::text[], $7::bigint[], $8::date[]) AS n(raw, amount_cents, settled_on)
           ON o.account_number IS NULL AND o.account_raw = n.raw AND ${window}
        WHERE ${open})`,
    [
      refs.map(([aggregator]) => aggregator),
      refs.map(([, ref]) => ref),
      byAccount.map((r) => r.accountNumber),
      byAccount.map((r) => r.amountCents),
      byAccount.map((r) => r.settledOn),
      byRaw.map((r) => r.accountRaw),
      byRaw.map((r) => r.amountCents),
      byRaw.map((r) => r.settledOn),
    ],
    // Locked as read: a later batch in flight waits for this one (see runBatches).
    "FOR UPDATE OF p",
  );
  return new Originals(candidates);
}

/** The traces that tie a reversal to its original: the one it names, and its own. */
function references(r: StoredPayment): string[] {
  return [r.originalRef, r.sourceRef].filter((v): v is string => !!v);
}

/** Whether a reversal may be tied to its original by account, amount and date: it names none, and has all three. */
function looksNearby(r: StoredPayment): boolean {
  // An explicit reference that names no payment we hold waits for it: guessing could undo the wrong payment.
  return !r.originalRef && !!r.settledOn && !!(r.accountNumber || r.accountRaw);
}

/** Latest settlement first (none last), then the latest posted file, then the first line. */
function latestFirst(a: StoredPayment, b: StoredPayment): number {
  return (
    compareDesc(a.settledOn, b.settledOn) ||
    compareDesc(a.postedAt, b.postedAt) ||
    a.line - b.line ||
    (a.fileId < b.fileId ? -1 : a.fileId > b.fileId ? 1 : 0)
  );
}

function compareDesc(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? 1 : -1;
}

/**
 * The payment a reversal or return undoes, among the batch's candidates as they now are: by
 * reference first (its original_ref, or its own trace, within the same aggregator), else — only
 * when it names no original — the latest payment of the same account and amount that settled up
 * to REVERSAL_WINDOW_DAYS before it. Already reversed payments are skipped.
 */
export function findOriginal(
  batch: MatchBatch,
  originals: Originals,
  r: StoredPayment,
): { original: StoredPayment; by: "reference" | "account_amount_date" } | null {
  const open = (ids: string[]) =>
    ids.map((id) => batch.payment(id)).filter((o) => o.matchStatus !== "reversed" && o.id !== r.id);
  const byRef = open(references(r).flatMap((ref) => originals.withRef(r.aggregator, ref))).sort(latestFirst)[0];
  if (byRef) return { original: byRef, by: "reference" };
  if (!looksNearby(r)) return null;
  const settled = r.settledOn as string;
  const from = addDays(settled, -REVERSAL_WINDOW_DAYS);
  const near = open(originals.ofAccount(r))
    .filter(
      (o) => o.amountCents === r.amountCents && o.settledOn !== null && o.settledOn >= from && o.settledOn <= settled,
    )
    .sort(latestFirst)[0];
  return near ? { original: near, by: "account_amount_date" } : null;
}

/**
 * Matches a reversal or return to its original and undoes the original's application: the
 * invoice loses that money and reopens, the original becomes `reversed` and its open exceptions
 * close. Works whenever the reversal arrives (a later file, days later). Without an original the
 * reversal waits, unmatched, with an `original_not_found` exception, and is retried on every run.
 */
export function matchReversal(
  batch: MatchBatch,
  originals: Originals,
  r: StoredPayment,
  actor: string,
): { outcome: MatchStatus | null; exceptions: number } {
  const found = findOriginal(batch, originals, r);
  if (!found) return awaitOriginal(batch, r, actor);
  const how = found.by === "reference" ? "by reference" : `by account and amount within ${REVERSAL_WINDOW_DAYS} days`;
  reverseOriginal(batch, r, found.original, how, actor);
  matchToOriginal(batch, r, found, how, actor);
  return { outcome: "matched", exceptions: 0 };
}

function describeReversal(r: StoredPayment): string {
  return `${r.kind} of ${formatUsd(r.amountCents)} in file ${r.fileName} line ${r.line}`;
}

function awaitOriginal(
  batch: MatchBatch,
  r: StoredPayment,
  actor: string,
): { outcome: MatchStatus | null; exceptions: number } {
  const message = `no payment found for this ${r.kind} (by reference, or by account and amount within ${REVERSAL_WINDOW_DAYS} days before it); nothing was undone`;
  const opened = batch.openException(
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
  return { outcome: null, exceptions: opened ? 1 : 0 };
}

function reverseOriginal(batch: MatchBatch, r: StoredPayment, o: StoredPayment, how: string, actor: string): void {
  const what = describeReversal(r);
  const undone = undoApplications(batch, r, o, how, actor);
  const note = `${what} undoes this payment (${how})${undone.length ? `; invoice ${undone.join(", ")} reopened` : "; nothing had been applied"}`;
  // The original still needs a decision saying why it is reversed when no invoice recorded one.
  if (!undone.length)
    batch.recordDecision({
      paymentId: o.id,
      invoiceId: null,
      relatedPaymentId: r.id,
      rule: "reversed",
      outcome: "reversed",
      appliedCents: 0,
      reason: note,
      decidedBy: actor,
    });
  batch.updatePayment(o, { matchStatus: "reversed" }, { actor, action: "reversed", note });
  batch.closeOpenExceptions(o.id, { action: "reversed", by: actor, note });
}

function undoApplications(batch: MatchBatch, r: StoredPayment, o: StoredPayment, how: string, actor: string): string[] {
  const what = describeReversal(r);
  const undone: string[] = [];
  for (const a of batch.appliedByInvoice(o.id)) {
    const invoice = batch.findInvoice(a.invoiceId);
    if (!invoice) continue;
    batch.changePaid(invoice, -a.cents, {
      actor,
      action: "payment_reversed",
      paymentId: o.id,
      note: `${what} undoes ${formatUsd(a.cents)}`,
    });
    const reason = `${what} undoes this payment (${how}); ${formatUsd(a.cents)} taken off invoice ${invoice.invoiceNumber}, which is open again`;
    batch.recordDecision({
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

function matchToOriginal(
  batch: MatchBatch,
  r: StoredPayment,
  found: { original: StoredPayment; by: "reference" | "account_amount_date" },
  how: string,
  actor: string,
): void {
  const o = found.original;
  const reason = `undoes payment ${o.id} of ${formatUsd(o.amountCents)} in file ${o.fileName} line ${o.line} (${how})`;
  batch.recordDecision({
    paymentId: r.id,
    invoiceId: null,
    relatedPaymentId: o.id,
    rule: `reversal_${found.by}`,
    outcome: "matched",
    appliedCents: 0,
    reason,
    decidedBy: actor,
  });
  batch.updatePayment(r, { matchStatus: "matched" }, { actor, action: "matched", note: reason });
  batch.closeOpenExceptions(r.id, { action: "original_found", by: actor, note: reason });
}
