import { formatUsd, isAutoMatchRule, type ExceptionReason } from "../model";
import { appendAudits, type AuditChange } from "./audit-log";
import type { Sql } from "../store/sql";
import { appliedByPayment, recordDecisions, type DecisionRecord } from "./decisions";
import {
  closing,
  insertExceptions,
  openedEntry,
  openExceptionsOf,
  reserveExceptionIds,
  writeResolutions,
  type QueuedException,
} from "./exceptions";
import { invoiceChange, invoicesFor, paidChange, writeInvoices, type Invoice } from "./invoices";
import type { QueryRunner } from "typeorm";
import type { ExceptionDraft, LadderDecision } from "./ladder";
import { REPAIRABLE_REASONS, storeSuggestions } from "./repair/exception-suggestions";
import type { Suggestion } from "./repair/suggest";
import { paymentChange, writePayments, type PaymentChange, type StoredPayment } from "./payments";

type Resolution = { action: string; by: string; note: string | null };

/**
 * One batch of matching held in memory: what the database says of the batch's payments, of the
 * payments its reversals may undo, of their invoices and open exceptions — read in a few queries,
 * locked as one by one would lock them — and every change the ladder makes, applied here at once
 * (a later payment sees an earlier one's application) and written by `flush` in a few statements.
 * Its methods are the per-row functions' (updatePayment, changePaid, recordDecision,
 * openException, closeOpenExceptions) and build the same rows and audit entries with the same
 * builders; only the writing is deferred.
 */
export class MatchBatch {
  private readonly payments = new Map<string, StoredPayment>();
  private readonly invoices = new Map<string, Invoice>();
  private readonly accounts = new Map<string, string[]>();
  /** Net applied cents by payment and invoice, for the payments a reversal may undo. */
  private readonly applied = new Map<string, Map<string, number>>();
  private readonly open = new Map<string, QueuedException[]>();

  private readonly decisions: DecisionRecord[] = [];
  private readonly entries: AuditChange[] = [];
  /** Exceptions queued in this batch, by their placeholder (negative) id until flush reserves real ones. */
  private readonly queued: QueuedException[] = [];
  private readonly resolved = new Map<number, QueuedException>();
  private readonly changedPayments = new Set<string>();
  private readonly changedInvoices = new Set<string>();
  /** Repair suggestions already computed in this batch (the repair rung's), by payment: stored as they are. */
  private readonly suggested = new Map<string, Suggestion[]>();

  private constructor(batch: StoredPayment[]) {
    for (const p of batch) this.payments.set(p.id, p);
  }

  /**
   * Reads the state a batch needs: the invoices of its payments' `accounts` and of what the
   * payments its reversals may undo (`originals`) applied, those applications, and the open
   * exceptions of all of them.
   */
  static async load(
    tx: Sql,
    batch: StoredPayment[],
    originals: StoredPayment[],
    accountNumbers: (string | null)[],
  ): Promise<MatchBatch> {
    const b = new MatchBatch(batch);
    for (const o of originals) if (!b.payments.has(o.id)) b.payments.set(o.id, o);
    const applications = await appliedByPayment(
      tx,
      originals.map((o) => o.id),
    );
    for (const a of applications) {
      const byInvoice = b.applied.get(a.paymentId) ?? new Map<string, number>();
      b.applied.set(a.paymentId, byInvoice.set(a.invoiceId, a.cents));
    }
    const accounts = [...new Set(accountNumbers.filter((a): a is string => a !== null))];
    const appliedTo = [...new Set([...b.applied.values()].flatMap((m) => [...m.keys()]))];
    for (const account of accounts) b.accounts.set(account, []);
    for (const i of await invoicesFor(tx, accounts, appliedTo)) {
      b.invoices.set(i.id, i);
      b.accounts.get(i.accountNumber)?.push(i.id);
    }
    for (const e of await openExceptionsOf(tx, [...b.payments.keys()])) b.openOf(e.paymentId as string).push(e);
    return b;
  }

  /**
   * Reads (and locks) the invoices of more accounts, those a repaired account number now names.
   * Taken while the batch is prepared, as the rest of its rows are (see runBatches).
   */
  async loadAccounts(tx: Sql, accountNumbers: string[]): Promise<void> {
    const more = [...new Set(accountNumbers)].filter((a) => !this.accounts.has(a));
    for (const account of more) this.accounts.set(account, []);
    for (const i of await invoicesFor(tx, more)) {
      this.invoices.set(i.id, i);
      this.accounts.get(i.accountNumber)?.push(i.id);
    }
  }

  rememberSuggestions(byPayment: ReadonlyMap<string, Suggestion[]>): void {
    for (const [id, s] of byPayment) this.suggested.set(id, s);
  }

  /** True when the payment has an open exception of this reason (queued in this batch or before). */
  hasOpen(paymentId: string, reason: ExceptionReason): boolean {
    return this.openOf(paymentId).some((e) => e.reason === reason);
  }

  /** A payment of the batch, or a candidate original, as it now is. */
  payment(id: string): StoredPayment {
    const p = this.payments.get(id);
    if (!p) throw new Error(`payment ${id} is not in this batch`);
    return p;
  }

  /** Every invoice of one account of the batch, oldest month first. */
  invoicesForAccount(account: string): Invoice[] {
    const ids = this.accounts.get(account);
    if (!ids) throw new Error("an account of a payment outside this batch");
    return ids.map((id) => this.invoices.get(id) as Invoice);
  }

  findInvoice(id: string): Invoice | null {
    return this.invoices.get(id) ?? null;
  }

  /** What a payment a reversal may undo has applied to each invoice, net of undos, ordered by invoice id. */
  appliedByInvoice(paymentId: string): { invoiceId: string; cents: number }[] {
    const byInvoice = this.applied.get(paymentId) ?? new Map<string, number>();
    return [...byInvoice]
      .filter(([, cents]) => cents !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([invoiceId, cents]) => ({ invoiceId, cents }));
  }

  recordDecision(d: DecisionRecord): void {
    this.decisions.push(d);
    if (d.invoiceId === null || !d.appliedCents) return;
    const byInvoice = this.applied.get(d.paymentId) ?? new Map<string, number>();
    this.applied.set(d.paymentId, byInvoice.set(d.invoiceId, (byInvoice.get(d.invoiceId) ?? 0) + d.appliedCents));
  }

  /** Records a ladder decision: the money it applies to each invoice, and one decision row per invoice (or one). */
  applyDecision(p: StoredPayment, d: LadderDecision, reason: string, actor: string): void {
    if (!d.applications.length) {
      this.recordDecision({
        paymentId: p.id,
        invoiceId: d.invoice?.id ?? null,
        rule: d.rule,
        outcome: d.outcome,
        appliedCents: 0,
        reason,
        decidedBy: actor,
      });
      return;
    }
    for (const a of d.applications) {
      const note = `${formatUsd(a.cents)} from payment ${p.id}`;
      this.changePaid(a.invoice, a.cents, { actor, action: "payment_applied", paymentId: p.id, note });
      this.recordDecision({
        paymentId: p.id,
        invoiceId: a.invoice.id,
        rule: d.rule,
        outcome: d.outcome,
        appliedCents: a.cents,
        reason,
        decidedBy: actor,
      });
    }
  }

  changePaid(
    invoice: Invoice,
    deltaCents: number,
    audit: { actor: string; action: string; paymentId: string; note?: string | null },
  ): Invoice {
    const { next, entry } = invoiceChange(invoice, paidChange(invoice, deltaCents), audit);
    this.invoices.set(next.id, next);
    this.changedInvoices.add(next.id);
    this.entries.push(entry);
    return next;
  }

  updatePayment(
    p: StoredPayment,
    change: PaymentChange,
    audit: { actor: string; action: string; note?: string | null },
  ): StoredPayment {
    const changed = paymentChange(p, change, audit);
    if (!changed) return p;
    this.payments.set(p.id, changed.next);
    this.changedPayments.add(p.id);
    this.entries.push(changed.entry);
    return changed.next;
  }

  /** Queues an exception unless the same reason is open for the payment; true when queued. */
  openException(paymentId: string, draft: ExceptionDraft, actor: string): boolean {
    const open = this.openOf(paymentId);
    if (open.some((e) => e.reason === draft.reason)) return false;
    const e: QueuedException = {
      id: -(this.queued.length + 1),
      paymentId,
      invoiceId: draft.invoiceId,
      reason: draft.reason,
      message: draft.message,
      amountCents: draft.amountCents,
      status: "open",
      details: draft.details,
      openedAt: "",
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
      note: null,
    };
    this.queued.push(e);
    open.push(e);
    this.entries.push(openedEntry(e.id, paymentId, draft, actor));
    return true;
  }

  /** Closes every open exception of a payment, or those of one reason, oldest first. */
  closeOpenExceptions(paymentId: string, resolution: Resolution, reason: ExceptionReason | null = null): number {
    const open = this.openOf(paymentId);
    const closed = open.filter((e) => reason === null || e.reason === reason);
    for (const e of closed) {
      const { next, entry } = closing(e, resolution);
      if (e.id < 0) this.queued[-e.id - 1] = next;
      else this.resolved.set(e.id, next);
      this.entries.push(entry);
    }
    this.open.set(
      paymentId,
      open.filter((e) => !closed.includes(e)),
    );
    return closed.length;
  }

  private openOf(paymentId: string): QueuedException[] {
    let open = this.open.get(paymentId);
    if (!open) this.open.set(paymentId, (open = []));
    return open;
  }

  /**
   * Writes the batch: new exceptions (with ids reserved from the table's sequence, in the order
   * they were queued) and the repair suggestions of those about a wrong account, resolutions, decisions, audit entries (in the order the changes were made),
   * payments and invoices — each in one statement.
   */
  async flush(tx: QueryRunner): Promise<void> {
    const ids = await reserveExceptionIds(tx, this.queued.length);
    const real = (placeholder: number) => (placeholder < 0 ? ids[-placeholder - 1] : placeholder);
    await insertExceptions(
      tx,
      this.queued.map((e) => ({ ...e, id: real(e.id) })),
    );
    const repairable = this.queued.filter((e) => (REPAIRABLE_REASONS as readonly string[]).includes(e.reason));
    await storeSuggestions(
      tx,
      repairable.map((e) => real(e.id)),
      this.suggested,
    );
    await writeResolutions(tx, [...this.resolved.values()]);
    await recordDecisions(tx, this.decisions);
    await appendAudits(
      tx,
      this.entries.map((a) =>
        a.entity === "exception" && Number(a.entityId) < 0 ? { ...a, entityId: String(real(Number(a.entityId))) } : a,
      ),
    );
    const autoRules = new Map(
      this.decisions.filter((d) => isAutoMatchRule(d.rule)).map((d) => [d.paymentId, d.rule] as const),
    );
    await writePayments(
      tx,
      [...new Set([...this.changedPayments, ...autoRules.keys()])].map((id) => this.payment(id)),
      autoRules,
    );
    await writeInvoices(
      tx,
      [...this.changedInvoices].map((id) => this.invoices.get(id) as Invoice),
    );
  }
}
