import type { QueryRunner } from "typeorm";
import type { IsoDate } from "../model/dates";
import { appendAudits, type AuditChange } from "../match/audit-log";
import { recordDecisions } from "../match/decisions";
import { closeRemainingOf, closing, toException, writeResolutions, type QueuedException } from "../match/exceptions";
import { selectPayments, type StoredPayment } from "../match/payments";
import { formatUsd } from "../model";
import { setMatchStatus } from "./payment-status";
import { DEADLINE_REASON, returnBy, UNIDENTIFIED_REASONS } from "./policy";

/** A payment the deadline sends back, with the exception it waited in. */
interface Overdue {
  payment: StoredPayment;
  exception: QueuedException;
  returnBy: IsoDate;
}

/**
 * The aggregator's payments whose invalid/unknown-account exception is still open on `on`, past
 * their return-by day, and not already asked back: read in two queries, locked.
 */
async function overdue(runner: QueryRunner, aggregator: string, on: IsoDate): Promise<Overdue[]> {
  const rows = (await runner.query(
    `SELECT e.* FROM exceptions e JOIN payments p ON p.id = e.payment_id
      WHERE e.status = 'open' AND e.reason = ANY($2::text[]) AND p.aggregator = $1
        AND p.kind = 'payment' AND p.status = 'active' AND p.match_status NOT IN ('to_return', 'returned', 'reversed')
        AND p.settled_on < $3::date
        AND NOT EXISTS (SELECT 1 FROM payment_returns r WHERE r.payment_id = p.id)
      ORDER BY e.id FOR UPDATE OF e`,
    [aggregator, UNIDENTIFIED_REASONS, on],
  )) as Parameters<typeof toException>[0][];
  const exceptions = rows.map(toException);
  const ids = [...new Set(exceptions.map((e) => e.paymentId as string))];
  const payments = new Map(
    (await selectPayments(runner, `p.id = ANY($1::uuid[])`, [ids], "FOR UPDATE OF p")).map((p) => [p.id, p]),
  );
  const seen = new Set<string>();
  const found: Overdue[] = [];
  for (const exception of exceptions) {
    const payment = payments.get(exception.paymentId as string);
    const by = payment ? returnBy(payment.settledOn, payment.policy) : null;
    if (!payment || !by || by > on || seen.has(payment.id)) continue;
    seen.add(payment.id);
    found.push({ payment, exception, returnBy: by });
  }
  return found;
}

/**
 * Asks back every payment past its return-by day (reason R22), in a few statements: a
 * payment_returns row each, its exception closed, the payment `to_return`, a decision and audit
 * entries saying why. Returns how many.
 */
export async function collectOverdue(
  runner: QueryRunner,
  aggregator: string,
  on: IsoDate,
  by: string,
): Promise<number> {
  const due = await overdue(runner, aggregator, on);
  if (!due.length) return 0;
  const why = (d: Overdue) => `unidentified past its return-by day ${d.returnBy}: to be returned (${DEADLINE_REASON})`;
  await runner.query(
    `INSERT INTO payment_returns (payment_id, aggregator, reason_code, cause, exception_id, requested_by, note)
     SELECT x.payment_id, $1, $2, 'past_deadline', x.exception_id, $3, x.note
       FROM unnest($4::uuid[], $5::bigint[], $6::text[]) AS x(payment_id, exception_id, note)`,
    [aggregator, DEADLINE_REASON, by, due.map((d) => d.payment.id), due.map((d) => d.exception.id), due.map(why)],
  );
  const audits: AuditChange[] = [];
  const closed = due.map((d) => {
    const { next, entry } = closing(d.exception, { action: `return ${DEADLINE_REASON}`, by, note: why(d) });
    audits.push(entry);
    return next;
  });
  await writeResolutions(runner, closed);
  const ids = due.map((d) => d.payment.id);
  const exceptionOf = new Map(due.map((d) => [d.payment.id, d.exception.id]));
  audits.push(
    ...(await closeRemainingOf(runner, ids, new Set(exceptionOf.values()), (e) => ({
      action: `return ${DEADLINE_REASON}`,
      by,
      note: `the payment is to be returned (exception ${exceptionOf.get(e.paymentId as string)}): unidentified past its return-by day`,
    }))),
  );
  const whyOf = new Map(due.map((d) => [d.payment.id, why(d)]));
  const noteOf = (id: string) => whyOf.get(id) ?? "";
  audits.push(...(await setMatchStatus(runner, ids, "to_return", { actor: by, action: "to_return", noteOf })));
  await recordDecisions(
    runner,
    due.map((d) => ({
      paymentId: d.payment.id,
      invoiceId: null,
      rule: "return",
      outcome: "to_return" as const,
      appliedCents: 0,
      reason: `${formatUsd(d.payment.amountCents)} ${why(d)}`,
      decidedBy: by,
    })),
  );
  await appendAudits(runner, audits);
  return due.length;
}
