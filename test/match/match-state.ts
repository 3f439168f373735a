import type { DataSource } from "typeorm";

/**
 * What matching left in the tables, read with SQL only (so it holds whatever the writers become):
 * the counts that must be zero at any committed moment of a run over payments that each get one
 * decision in it, and the whole outcome as text, to compare two databases that started alike.
 */
export interface MatchState {
  payments: number;
  /** Payments whose status is no longer `unmatched`. */
  decided: number;
  /** Each of these must be 0. */
  broken: {
    /** Decided without a decision row, or a decision row on a payment still unmatched. */
    statusWithoutDecision: number;
    /** Decided without the audit entry of its status change, or the reverse. */
    statusWithoutAudit: number;
    /** An exception on a payment still unmatched. */
    exceptionOfUndecided: number;
    /** An exception without the audit entry of its opening. */
    exceptionWithoutAudit: number;
    /** A payment whose decision rows came from two transactions: decided twice. */
    decidedTwice: number;
    /** Two decision rows alike: the same payment, invoice, rule, outcome and cents. */
    duplicateDecisions: number;
    /** Two audit entries alike (every field but the id and the time). */
    duplicateAudit: number;
    /** Two exceptions of one payment for one reason. */
    duplicateExceptions: number;
    /** An invoice whose paid amount is not the sum of what decisions applied to it. */
    invoicePaidOff: number;
    /** An invoice whose `payment_applied` audit entries are not one per decision that applied money to it. */
    invoiceAuditOff: number;
  };
}

export async function matchState(db: DataSource): Promise<MatchState> {
  const [row] = (await db.query(`
    SELECT
      (SELECT count(*) FROM payments)::int AS payments,
      (SELECT count(*) FROM payments WHERE match_status <> 'unmatched')::int AS decided,
      (SELECT count(*) FROM payments p
        WHERE (p.match_status <> 'unmatched') <> EXISTS (SELECT 1 FROM match_decisions d WHERE d.payment_id = p.id))::int
        AS "statusWithoutDecision",
      (SELECT count(*) FROM payments p
        WHERE (p.match_status <> 'unmatched') <> EXISTS (SELECT 1 FROM audit_log a
                WHERE a.entity = 'payment' AND a.entity_id = p.id::text AND a.action = 'matched'))::int AS "statusWithoutAudit",
      (SELECT count(*) FROM exceptions e JOIN payments p ON p.id = e.payment_id WHERE p.match_status = 'unmatched')::int
        AS "exceptionOfUndecided",
      (SELECT count(*) FROM exceptions e WHERE NOT EXISTS (SELECT 1 FROM audit_log a
                WHERE a.entity = 'exception' AND a.entity_id = e.id::text AND a.action = 'opened'))::int AS "exceptionWithoutAudit",
      (SELECT count(*) FROM (SELECT payment_id FROM match_decisions GROUP BY payment_id
                              HAVING count(DISTINCT xmin::text) > 1) x)::int AS "decidedTwice",
      (SELECT count(*) FROM (SELECT 1 FROM match_decisions GROUP BY payment_id, invoice_id, rule, outcome, applied_cents
                              HAVING count(*) > 1) x)::int AS "duplicateDecisions",
      (SELECT count(*) FROM (SELECT 1 FROM audit_log GROUP BY entity, entity_id, action, before, after, payment_id, note
                              HAVING count(*) > 1) x)::int AS "duplicateAudit",
      (SELECT count(*) FROM (SELECT 1 FROM exceptions GROUP BY payment_id, reason HAVING count(*) > 1) x)::int
        AS "duplicateExceptions",
      (SELECT count(*) FROM invoices i
        WHERE i.paid_cents <> coalesce((SELECT sum(applied_cents) FROM match_decisions d WHERE d.invoice_id = i.id), 0))::int
        AS "invoicePaidOff",
      (SELECT count(*) FROM invoices i
        WHERE (SELECT count(*) FROM audit_log a WHERE a.entity = 'invoice' AND a.entity_id = i.id::text AND a.action = 'payment_applied')
           <> (SELECT count(*) FROM match_decisions d WHERE d.invoice_id = i.id AND d.applied_cents <> 0))::int
        AS "invoiceAuditOff"`)) as (Record<keyof MatchState["broken"], number> & {
    payments: number;
    decided: number;
  })[];
  const { payments, decided, ...broken } = row;
  return { payments, decided, broken };
}

/** A database's `broken` counts, all zero. */
export const NOTHING_BROKEN: MatchState["broken"] = {
  statusWithoutDecision: 0,
  statusWithoutAudit: 0,
  exceptionOfUndecided: 0,
  exceptionWithoutAudit: 0,
  decidedTwice: 0,
  duplicateDecisions: 0,
  duplicateAudit: 0,
  duplicateExceptions: 0,
  invoicePaidOff: 0,
  invoiceAuditOff: 0,
};

/**
 * Everything matching decided, as sorted lines of text without ids or times that differ between
 * two runs (an exception is named by its payment and reason, not its id), so a run that was killed
 * and finished can be compared with one that was not, on a copy of the same database.
 */
export async function matchOutcome(db: DataSource): Promise<string[]> {
  const rows = (await db.query(`
    SELECT 'payment ' || id || ' ' || match_status || ' ' || account_status || ' ' || timing_status
           || ' ' || coalesce(coverage_month, '-') || ' ' || findings::text AS line FROM payments
    UNION ALL
    SELECT 'decision ' || d.payment_id || ' ' || coalesce(i.invoice_number, '-') || ' ' || d.rule || ' ' || d.outcome
           || ' ' || d.applied_cents || ' ' || d.reason
      FROM match_decisions d LEFT JOIN invoices i ON i.id = d.invoice_id
    UNION ALL
    SELECT 'invoice ' || invoice_number || ' ' || paid_cents || ' ' || status FROM invoices
    UNION ALL
    SELECT 'exception ' || payment_id || ' ' || reason || ' ' || coalesce(invoice_id::text, '-') || ' ' || amount_cents
           || ' ' || status || ' ' || message FROM exceptions
    UNION ALL
    SELECT 'audit ' || a.entity || ' ' || coalesce(e.payment_id || ':' || e.reason, a.entity_id) || ' ' || a.action
           || ' ' || coalesce(a.before::text, '-') || ' ' || coalesce(a.after::text, '-') || ' ' || coalesce(a.payment_id::text, '-')
           || ' ' || coalesce(a.note, '-')
      FROM audit_log a LEFT JOIN exceptions e ON a.entity = 'exception' AND e.id::text = a.entity_id
     WHERE a.entity <> 'file'`)) as { line: string }[];
  return rows.map((r) => r.line).sort();
}

/** The first lines one side has more of than the other (a multiset difference), for a short failure message. */
export function differences(want: string[], got: string[], limit = 5): string[] {
  const count = new Map<string, number>();
  for (const line of want) count.set(line, (count.get(line) ?? 0) + 1);
  for (const line of got) count.set(line, (count.get(line) ?? 0) - 1);
  return [...count]
    .filter(([, n]) => n !== 0)
    .slice(0, limit)
    .map(([line, n]) => `${n > 0 ? "missing" : "extra"} ×${Math.abs(n)}: ${line.slice(0, 300)}`);
}
