import type { DataSource } from "typeorm";
import { formatUsd } from "../model";
import type { Sql } from "../store/sql";
import type { ResolveAction } from "./resolve-actions";
import { appliedByInvoice, recordDecision } from "./decisions";
import { closeException, getException, type QueuedException } from "./exceptions";
import { balanceCents, changePaid, findInvoice, setInvoice, type Invoice } from "./invoices";
import { MATCH_LOCK } from "./matcher";
import { suggestionsFor } from "./repair/exception-suggestions";
import { ResolveError } from "./resolve-error";
import { resolveAsReturn } from "./resolve-return";
import { takeBackApplications } from "./take-back";
import {
  findPayment,
  invoiceContext,
  reassess,
  updatePayment,
  type PaymentChange,
  type StoredPayment,
} from "./payments";

export interface ResolveRequest {
  action: ResolveAction;
  /** apply-to: invoice numbers (or ids). */
  invoices?: string[];
  /** apply-suggestion: the suggestion's rank (from `exceptions suggest`). */
  suggestion?: number;
  /** return: the reason code (R21…), one the payment's payee policy accepts. */
  reason?: string;
  note: string;
  by: string;
}

export { ResolveError } from "./resolve-error";

export interface ResolveResult {
  exception: QueuedException;
  applied: { invoiceNumber: string; cents: number }[];
  unappliedCents: number | null;
}

async function unappliedCents(sql: Sql, p: StoredPayment): Promise<number> {
  const applied = await appliedByInvoice(sql, p.id);
  return p.amountCents - applied.reduce((sum, a) => sum + a.cents, 0);
}

/** Resolves one open exception in one transaction: every change it makes is in the audit log under `by`. */
export async function resolveException(db: DataSource, id: number, req: ResolveRequest): Promise<ResolveResult> {
  if (!req.by.trim()) throw new ResolveError("say who resolves it (--by NAME)");
  if (!req.note.trim()) throw new ResolveError("say why (--note TEXT)");
  return db.transaction((tx) => resolveInTransaction(tx, id, req));
}

/** One exception being resolved, as each action sees it. */
interface Resolving {
  tx: Sql;
  id: number;
  e: QueuedException;
  p: StoredPayment | null;
  req: ResolveRequest;
  audit: { actor: string; note: string };
}

/** What an action did: the resolution the exception is closed with, and the money it moved. */
interface ActionDone {
  label: string;
  applied: ResolveResult["applied"];
}

async function resolveInTransaction(tx: Sql, id: number, req: ResolveRequest): Promise<ResolveResult> {
  // The matcher takes the same lock: a matching run never sees half a resolution.
  await tx.query(`SELECT pg_advisory_xact_lock($1)`, [MATCH_LOCK]);
  const e = await getException(tx, id, true);
  if (!e) throw new ResolveError(`no exception ${id}`);
  if (e.status !== "open")
    throw new ResolveError(`exception ${id} is already resolved (${e.resolution} by ${e.resolvedBy})`);
  const p = e.paymentId ? await findPayment(tx, e.paymentId) : null;
  if (p?.matchStatus === "reversed" && req.action !== "write-off")
    throw new ResolveError(`payment ${p.id} was reversed; only write-off can close this exception`);
  const done = await actionFor(req.action)({ tx, id, e, p, req, audit: { actor: req.by, note: req.note } });
  const exception = await closeException(tx, e, { action: done.label, by: req.by, note: req.note });
  return { exception, applied: done.applied, unappliedCents: p ? await unappliedCents(tx, p) : null };
}

function actionFor(action: ResolveAction): (r: Resolving) => Promise<ActionDone> {
  if (action === "apply-to") return (r) => applyTo(r);
  if (action === "apply-suggestion") return applySuggestion;
  if (action === "refund") return refund;
  if (action === "reject") return reject;
  if (action === "return") return ({ tx, e, p, req }) => resolveAsReturn(tx, e, p, req);
  return writeOff;
}

/**
 * Splits the unapplied money over the named invoices in order; all of it must land somewhere.
 * `fixed`: payment fields that stay as given when the payment is re-timed (a repaired account).
 */
async function applyTo(r: Resolving, fixed: PaymentChange = {}): Promise<ActionDone> {
  const { tx, p, req } = r;
  if (!p || p.kind !== "payment") throw new ResolveError(`exception ${r.id} has no payment to apply`);
  const refs = req.invoices ?? [];
  if (!refs.length) throw new ResolveError("apply-to needs one or more invoice numbers");
  const before = await unappliedCents(tx, p);
  let remaining = before;
  if (remaining <= 0) throw new ResolveError(`payment ${p.id} has nothing left to apply`);
  const applied: ResolveResult["applied"] = [];
  let first: Invoice | null = null;
  for (const ref of refs) {
    const { invoice, cents } = await applyToInvoice(r, p, ref, remaining);
    applied.push({ invoiceNumber: invoice.invoiceNumber, cents });
    remaining -= cents;
    first ??= invoice;
  }
  if (remaining > 0) {
    throw new ResolveError(
      `${formatUsd(remaining)} of the payment would be left unapplied; name more invoices, or apply what fits and refund the rest with another exception`,
    );
  }
  // Re-time the payment against the invoice it now pays, unless an earlier application already did.
  let change: PaymentChange = { matchStatus: "matched" };
  if (before === p.amountCents && first) change = { ...reassess(p, invoiceContext(first)), ...change, ...fixed };
  await updatePayment(tx, p, change, { ...r.audit, action: "matched" });
  return { label: `apply-to ${applied.map((a) => a.invoiceNumber).join(",")}`, applied };
}

/** Applies up to what one invoice owes out of `remaining`. */
async function applyToInvoice(
  { tx, req, audit }: Resolving,
  p: StoredPayment,
  ref: string,
  remaining: number,
): Promise<{ invoice: Invoice; cents: number }> {
  const invoice = await findInvoice(tx, ref);
  if (!invoice) throw new ResolveError(`no invoice ${ref}`);
  const owed = balanceCents(invoice);
  if (owed === 0) throw new ResolveError(`invoice ${invoice.invoiceNumber} owes nothing`);
  const cents = Math.min(remaining, owed);
  if (cents === 0) throw new ResolveError(`nothing is left to apply to invoice ${invoice.invoiceNumber}`);
  await changePaid(tx, invoice, cents, { ...audit, action: "payment_applied", paymentId: p.id });
  const reason = `${formatUsd(cents)} applied by ${req.by}: ${req.note}`;
  await recordDecision(tx, {
    paymentId: p.id,
    invoiceId: invoice.id,
    rule: "manual_apply",
    outcome: "matched",
    appliedCents: cents,
    reason,
    decidedBy: req.by,
  });
  return { invoice, cents };
}

/**
 * Takes one of the exception's repair suggestions: the payment's account becomes the suggested
 * billed account (audited), and its money goes to the invoices the suggestion found it pays.
 */
async function applySuggestion(r: Resolving): Promise<ActionDone> {
  const suggestions = await suggestionsFor(r.tx, r.id);
  const chosen = suggestions.find((s) => s.rank === r.req.suggestion);
  if (!chosen)
    throw new ResolveError(
      `exception ${r.id} has no suggestion ${r.req.suggestion ?? "(none given)"}; it has ${suggestions.length} (see exceptions suggest ${r.id})`,
    );
  if (!r.p || !chosen.invoices.length)
    throw new ResolveError(
      `suggestion ${chosen.rank} names no open invoice the payment's amount pays; repair the account and use apply-to with the invoices`,
    );
  const repaired: PaymentChange = { accountNumber: chosen.accountNumber, accountStatus: "repaired" };
  const why = chosen.evidence.map((e) => e.detail).join("; ");
  const p = await updatePayment(r.tx, r.p, repaired, {
    ...r.audit,
    action: "account_repaired",
    note: `${r.audit.note} (${why})`,
  });
  const req = { ...r.req, invoices: chosen.invoices.map((i) => i.invoiceNumber) };
  const done = await applyTo({ ...r, p, req }, repaired);
  return { ...done, label: `apply-suggestion ${chosen.rank}: ${done.label}` };
}

async function refund({ tx, id, p, req }: Resolving): Promise<ActionDone> {
  if (!p) throw new ResolveError(`exception ${id} has no payment to refund`);
  const cents = await unappliedCents(tx, p);
  if (cents <= 0)
    throw new ResolveError(`payment ${p.id} has no unapplied money to refund; use reject to undo its application`);
  await recordDecision(tx, {
    paymentId: p.id,
    invoiceId: null,
    rule: "refund",
    outcome: p.matchStatus,
    appliedCents: 0,
    reason: `${formatUsd(cents)} to be refunded to the payer, by ${req.by}: ${req.note}`,
    decidedBy: req.by,
  });
  return { label: `refund ${formatUsd(cents)}`, applied: [] };
}

/** Takes off whatever the payment applied, reopening those invoices. */
async function reject({ tx, id, p, req }: Resolving): Promise<ActionDone> {
  if (!p) throw new ResolveError(`exception ${id} has no payment to reject`);
  const why = `rejected by ${req.by}: ${req.note}`;
  const applied = await takeBackApplications(tx, p, {
    rule: "manual_reject",
    outcome: p.matchStatus,
    action: "payment_rejected",
    by: req.by,
    note: req.note,
    reason: () => why,
  });
  return { label: req.action, applied };
}

/** Closes a short invoice as written off; an overpayment's excess is simply kept. */
async function writeOff({ tx, e, p, req, audit }: Resolving): Promise<ActionDone> {
  let label: string = req.action;
  const invoice = e.invoiceId ? await findInvoice(tx, e.invoiceId) : null;
  if (invoice && balanceCents(invoice) > 0) {
    await setInvoice(
      tx,
      invoice,
      { paidCents: invoice.paidCents, status: "written_off" },
      { ...audit, action: "written_off", paymentId: e.paymentId },
    );
    label = `write-off ${formatUsd(balanceCents(invoice))} on ${invoice.invoiceNumber}`;
  }
  if (p)
    await recordDecision(tx, {
      paymentId: p.id,
      invoiceId: invoice?.id ?? null,
      rule: "write_off",
      outcome: p.matchStatus,
      appliedCents: 0,
      reason: `${label} by ${req.by}: ${req.note}`,
      decidedBy: req.by,
    });
  return { label, applied: [] };
}
