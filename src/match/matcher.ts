import type { DataSource, EntityManager } from "typeorm";
import { log } from "../log";
import { isEmbedded } from "../store/data-source";
import type { MatchStatus } from "../model";
import { formatLongDate } from "../rules/local-date";
import { SYSTEM_ACTOR } from "./audit-log";
import type { Sql } from "../store/sql";
import { decide, type DuplicateHint, type LadderDecision } from "./ladder";
import { MatchBatch } from "./match-batch";
import { runBatches, type PreparedBatch } from "./batch-runner";
import { invoiceContext, reassess, selectPayments, type PaymentChange, type StoredPayment } from "./payments";
import { repairWrongAccounts } from "./repair/repair-rung";
import { matchReversal, originalCandidates, type Originals } from "./reversals";

export interface MatchOptions {
  /** Only this file's payments (after it posted); all unmatched payments otherwise. */
  fileId?: string;
  /**
   * Called after each batch commits, with the run's figures so far. Lets an operator tool (or a
   * test: the kill -9 drill) stop a run between batches; a batch already committed stays.
   */
  afterBatch?: (progress: MatchSummary) => void | Promise<void>;
  /** Payments per batch (one transaction each); MATCH_BATCH_SIZE (EMBEDDED_MATCH_BATCH_SIZE embedded) unless given. */
  batchSize?: number;
}

/** Payments per transaction: read in a few queries, decided in memory, written in a few statements. */
export const MATCH_BATCH_SIZE = 10_000;
/**
 * The same on the embedded database, which runs in this process: a batch's rows are held twice
 * there (PGlite's heap, which never shrinks, and node's). A 1M-payment file posted and matched
 * with billing data (`ingest-file`) peaked at 693 MB with batches of 10,000, and 486 MB with 2,000.
 */
export const EMBEDDED_MATCH_BATCH_SIZE = 2_000;

export interface MatchSummary {
  considered: number;
  /** Of those, `unknown_account` payments run again because billing data now has their account. */
  reconsidered: number;
  decided: number;
  /** Payments left unmatched: no billing data yet, or a reversal whose original has not arrived. */
  waiting: number;
  exceptionsOpened: number;
  /** Of the decided, wrong-account payments matched by the repair rung (the policy's auto-apply). */
  repaired: number;
  byOutcome: Partial<Record<MatchStatus, number>>;
}

const DECIDABLE_WITHOUT_BILLING = `
  p.kind <> 'payment' OR p.status <> 'active' OR p.account_number IS NULL
  OR p.account_status NOT IN ('valid', 'repaired', 'unknown_account')
  OR EXISTS (SELECT 1 FROM payments o WHERE o.kind = 'payment' AND o.status = 'active' AND o.file_id <> p.file_id
             AND ((o.aggregator = p.aggregator AND o.source_ref = p.source_ref)
               OR (o.account_number = p.account_number AND o.amount_cents = p.amount_cents AND o.settled_on = p.settled_on)))`;

/**
 * An `unknown_account` payment whose account billing data now has (its invoice was imported
 * after the payment was decided) and whose exception no person has acted on yet. A person's
 * resolution (a refund, a write-off) is final, so a closed exception keeps the payment as it is.
 */
const RECONSIDERABLE = `
  p.match_status = 'unknown_account' AND p.kind = 'payment' AND p.status = 'active'
  AND EXISTS (SELECT 1 FROM invoices i WHERE i.account_number = p.account_number)
  AND EXISTS (SELECT 1 FROM exceptions e WHERE e.payment_id = p.id AND e.reason = 'unknown_account' AND e.status = 'open')`;

/**
 * Taken (shared) by each batch of a run and (exclusive) by a person's resolution, for its
 * transaction: a resolution never interleaves with a batch, and waits only for the batches in flight.
 */
export const MATCH_LOCK = 61_000_006;
/** Held by a matching run, on its own connection, from start to end: runs on many processes and machines take turns. */
export const MATCH_RUN_LOCK = 61_000_007;

type Outcome = { outcome: MatchStatus | null; exceptions: number };

/**
 * Runs the ladder over every unmatched payment (or one file's), oldest file first, reversals and
 * returns last so that an original in the same run is matched before it is undone. A payment
 * that gets a decision is not decided again, so a second run changes nothing; the one exception
 * is an `unknown_account` payment whose account has since been billed (RECONSIDERABLE), which
 * is taken back to unmatched, with its exception closed, and decided again as if new.
 */
export async function matchPayments(db: DataSource, options: MatchOptions = {}): Promise<MatchSummary> {
  const actor = SYSTEM_ACTOR;
  const scope = options.fileId ? `AND (p.file_id = $1 OR p.kind IN ('reversal','return'))` : "";
  const billing = ((await db.query(`SELECT EXISTS (SELECT 1 FROM invoices) AS present`)) as { present: boolean }[])[0]
    .present;
  // Without billing data a good payment can only be decided as a duplicate; skip the rest in SQL
  // rather than one by one, so that a large file posts and matches quickly.
  const waiting = `p.match_status = 'unmatched' ${billing ? "" : `AND (${DECIDABLE_WITHOUT_BILLING})`}`;
  const where = `((${waiting}) OR (${billing ? RECONSIDERABLE : "false"})) ${scope}`;
  const summary = emptySummary();
  const select = `SELECT p.id FROM payments p JOIN remittance_files f ON f.id = p.file_id WHERE ${where}
     ORDER BY (p.kind IN ('reversal','return')), f.posted_at, p.file_id, p.line`;
  const queue = { select, params: options.fileId ? [options.fileId] : [], lock: MATCH_RUN_LOCK };
  const size = options.batchSize ?? (isEmbedded(db) ? EMBEDDED_MATCH_BATCH_SIZE : MATCH_BATCH_SIZE);
  await runBatches(db, queue, size, {
    prepare: (manager, chunk) => prepareBatch(manager, chunk, actor),
    committed: async (batch) => {
      addTally(summary, batch.tally);
      await options.afterBatch?.(summary);
    },
  });
  if (summary.decided || summary.exceptionsOpened) log.info("matching done", { fileId: options.fileId, ...summary });
  return summary;
}

/** A batch decided in memory: its figures, and its writes to make. */
interface DecidedBatch extends PreparedBatch {
  tally: MatchSummary;
}

function emptySummary(): MatchSummary {
  return { considered: 0, reconsidered: 0, decided: 0, waiting: 0, exceptionsOpened: 0, repaired: 0, byOutcome: {} };
}

function addTally(summary: MatchSummary, tally: MatchSummary): void {
  summary.considered += tally.considered;
  summary.reconsidered += tally.reconsidered;
  summary.decided += tally.decided;
  summary.waiting += tally.waiting;
  summary.exceptionsOpened += tally.exceptionsOpened;
  summary.repaired += tally.repaired;
  for (const [outcome, n] of Object.entries(tally.byOutcome) as [MatchStatus, number][]) {
    summary.byOutcome[outcome] = (summary.byOutcome[outcome] ?? 0) + n;
  }
}

/**
 * One batch in its transaction, in the order of `chunk`: each payment is decided against the
 * batch's state as the payments before it left it (an invoice an earlier one paid, an original an
 * earlier reversal undid); the batch's changes are written when the runner flushes it. Every row
 * the batch will change is locked as it is read (see runBatches).
 */
async function prepareBatch(tx: EntityManager, chunk: string[], actor: string): Promise<DecidedBatch> {
  await tx.query(`SELECT pg_advisory_xact_lock_shared($1)`, [MATCH_LOCK]);
  // The batch's look-ups are many index probes; on a just-ingested table (no statistics yet) the
  // planner's estimates would have PostgreSQL compile them (JIT), which costs more than running them.
  await tx.query(`SET LOCAL jit = off`);
  const billing = ((await tx.query(`SELECT EXISTS (SELECT 1 FROM invoices) AS present`)) as { present: boolean }[])[0]
    .present;
  // Checked again under the lock: a batch before may have decided (or a person resolved) them meanwhile.
  const payments = await selectPayments(
    tx,
    `p.id = ANY($1::uuid[]) AND (p.match_status = 'unmatched' OR (${RECONSIDERABLE}))`,
    [chunk],
    "FOR UPDATE OF p",
  );
  const order = new Map(chunk.map((id, i) => [id, i]));
  payments.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const originals = await originalCandidates(tx, payments);
  // A reconsidered payment is re-assessed as billed; its account is read as it then is too.
  const billed = new Map(
    payments.filter((p) => p.matchStatus === "unknown_account").map((p) => [p.id, reassess(p, { knownAccount: true })]),
  );
  const accounts = [...payments, ...billed.values()].map((p) => p.accountNumber ?? null);
  const batch = await MatchBatch.load(tx, payments, originals.candidates, accounts);
  const tally: MatchSummary = { ...emptySummary(), considered: chunk.length };
  for (const [id, change] of billed) {
    reconsider(batch, batch.payment(id), change, actor);
    tally.reconsidered += 1;
  }
  const hints = await duplicateHints(
    tx,
    payments.map((p) => batch.payment(p.id)),
  );
  for (const { id } of payments) {
    const result = matchOne({ batch, originals, billing, actor }, batch.payment(id), hints.get(id) ?? null);
    tally.exceptionsOpened += result.exceptions;
    if (result.outcome) {
      tally.decided += 1;
      tally.byOutcome[result.outcome] = (tally.byOutcome[result.outcome] ?? 0) + 1;
    } else tally.waiting += 1;
  }
  for (const p of await repairWrongAccounts(tx, batch, chunk, actor)) {
    tally.byOutcome[p.matchStatus] = (tally.byOutcome[p.matchStatus] ?? 0) - 1;
    tally.byOutcome.matched = (tally.byOutcome.matched ?? 0) + 1;
    tally.repaired += 1;
  }
  return { tally, flush: (runner) => batch.flush(runner) };
}

/**
 * Takes an `unknown_account` payment back to unmatched because its account is now billed: its
 * exception closes and a decision and an audit entry say why, then the ladder decides it again.
 */
function reconsider(batch: MatchBatch, p: StoredPayment, change: PaymentChange, actor: string): StoredPayment {
  const billed = batch.invoicesForAccount(p.accountNumber as string).map((i) => i.invoiceNumber);
  const shown =
    billed.length > 3 ? `${billed.slice(0, 3).join(", ")} and ${billed.length - 3} more` : billed.join(", ");
  const why = `the account was not on file when this payment was decided; billing data now has it (invoice ${shown}), so the payment goes through the matching ladder again`;
  batch.closeOpenExceptions(p.id, { action: "invoice_arrived", by: actor, note: why }, "unknown_account");
  batch.recordDecision({
    paymentId: p.id,
    invoiceId: null,
    rule: "account_now_known",
    outcome: "unmatched",
    appliedCents: 0,
    reason: why,
    decidedBy: actor,
  });
  return batch.updatePayment(p, { ...change, matchStatus: "unmatched" }, { actor, action: "reconsidered", note: why });
}

/** What every payment of a batch is decided with. */
interface Deciding {
  batch: MatchBatch;
  originals: Originals;
  billing: boolean;
  actor: string;
}

function matchOne(
  { batch, originals, billing, actor }: Deciding,
  p: StoredPayment,
  duplicate: DuplicateHint | null,
): Outcome {
  switch (p.kind) {
    case "prenote":
    case "noc":
      return notApplicable(batch, p, actor);
    case "reversal":
    case "return":
      return matchReversal(batch, originals, p, actor);
    case "payment":
      return matchMoney(batch, p, billing, duplicate, actor);
  }
}

function notApplicable(batch: MatchBatch, p: StoredPayment, actor: string): Outcome {
  const reason =
    p.kind === "prenote"
      ? "a prenote is a zero-dollar test entry; nothing to match"
      : `a notification of change (${p.reasonCode ?? "no code"}) corrects data and moves no money`;
  batch.recordDecision({
    paymentId: p.id,
    invoiceId: null,
    rule: "not_applicable",
    outcome: "not_applicable",
    appliedCents: 0,
    reason,
    decidedBy: actor,
  });
  batch.updatePayment(p, { matchStatus: "not_applicable" }, { actor, action: "matched", note: reason });
  let exceptions = 0;
  // C09: the member's account number with the payee is wrong; a person updates it in billing data.
  if (p.kind === "noc" && p.reasonCode?.toUpperCase() === "C09") {
    const message =
      "notification of change C09: the account number the member's bank holds for the payee is to be corrected; check the corrected data and update the member's records";
    const opened = batch.openException(
      p.id,
      {
        reason: "account_correction",
        message,
        amountCents: 0,
        invoiceId: null,
        details: { reason_code: p.reasonCode, original_ref: p.originalRef },
      },
      actor,
    );
    if (opened) exceptions += 1;
  }
  return { outcome: "not_applicable", exceptions };
}

/**
 * The duplicate hint of each `payment` in a batch, in two queries rather than one per payment
 * (matching's hot path). A hint looks only at other files' payments and at whether they were
 * reversed, which no decision in the batch changes before its payments are matched (reversals
 * and returns come last), so reading them all up front gives what one by one would.
 */
async function duplicateHints(tx: Sql, batch: StoredPayment[]): Promise<Map<string, DuplicateHint>> {
  const hints = new Map<string, DuplicateHint>();
  const money = batch.filter((p) => p.kind === "payment");
  const resent = money.filter((p) => p.status === "duplicate");
  if (resent.length) {
    const firsts = (await tx.query(
      `SELECT o.id, f.name FROM payments o JOIN remittance_files f ON f.id = o.file_id WHERE o.id = ANY($1::uuid[])`,
      [resent.map((p) => p.duplicateOf)],
    )) as { id: string; name: string }[];
    const names = new Map(firsts.map((r) => [r.id, r.name]));
    for (const p of resent)
      hints.set(p.id, {
        rule: "resent_payment",
        paymentId: p.duplicateOf,
        fileName: (p.duplicateOf && names.get(p.duplicateOf)) ?? null,
      });
  }
  const active = money.filter((p) => p.status !== "duplicate");
  if (!active.length) return hints;
  const column = <K extends keyof StoredPayment>(k: K) => active.map((p) => p[k]);
  const rows = (await tx.query(
    `SELECT x.id AS for_id, h.id, h.name, h.by_trace
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::date[], $8::timestamptz[])
            AS x(id, file_id, aggregator, source_ref, account_number, amount_cents, settled_on, posted_at)
      CROSS JOIN LATERAL (
        SELECT o.id, f.name, (o.aggregator = x.aggregator AND o.source_ref = x.source_ref) AS by_trace
          FROM payments o JOIN remittance_files f ON f.id = o.file_id
         WHERE o.kind = 'payment' AND o.status = 'active' AND o.match_status <> 'reversed' AND o.file_id <> x.file_id
           AND (f.posted_at < x.posted_at OR (f.posted_at = x.posted_at AND f.id::text < x.file_id::text))
           AND ((o.aggregator = x.aggregator AND o.source_ref = x.source_ref)
             OR (o.account_number = x.account_number AND o.amount_cents = x.amount_cents AND o.settled_on = x.settled_on))
         ORDER BY by_trace DESC, f.posted_at, o.line LIMIT 1) h`,
    [
      column("id"),
      column("fileId"),
      column("aggregator"),
      column("sourceRef"),
      column("accountNumber"),
      column("amountCents"),
      column("settledOn"),
      column("postedAt"),
    ],
  )) as { for_id: string; id: string; name: string; by_trace: boolean | null }[];
  for (const r of rows)
    hints.set(r.for_id, {
      rule: r.by_trace ? "same_trace" : "same_account_amount_day",
      paymentId: r.id,
      fileName: r.name,
    });
  return hints;
}

function matchMoney(
  batch: MatchBatch,
  p: StoredPayment,
  billing: boolean,
  duplicate: DuplicateHint | null,
  actor: string,
): Outcome {
  const invoices = p.accountNumber && billing ? batch.invoicesForAccount(p.accountNumber) : [];
  const decision = decide(p, { billingDataExists: billing, duplicate, invoices });
  if (!decision) return { outcome: null, exceptions: 0 };
  let change: PaymentChange = { matchStatus: decision.outcome };
  let reason = decision.reason;
  if (decision.outcome === "unknown_account") change = { ...reassess(p, { knownAccount: false }), ...change };
  if (decision.invoice) {
    const retimed = reassess(p, invoiceContext(decision.invoice));
    change = { ...retimed, ...change };
    reason += coverageNote(retimed, decision);
  }
  batch.applyDecision(p, decision, reason, actor);
  batch.updatePayment(p, change, { actor, action: "matched", note: `${decision.rule}: ${reason}` });
  let exceptions = 0;
  if (decision.exception && batch.openException(p.id, { ...decision.exception, message: reason }, actor))
    exceptions += 1;
  return { outcome: decision.outcome, exceptions };
}

/** R3: a late or short first payment does not start coverage that month; say where it starts. */
function coverageNote(change: PaymentChange, decision: LadderDecision): string {
  if (!change.earliestCoverageStart || !decision.invoice?.firstPayment) return "";
  const why = change.timingStatus === "late" ? "late" : "short";
  return `; the member's first payment is ${why}, so coverage cannot start in ${decision.invoice.coverageMonth}: the earliest coverage start is ${formatLongDate(change.earliestCoverageStart)}`;
}

/**
 * The pipeline's hook after a file is posted. Never throws: the money is already committed, and
 * a matching failure must not make the file look unposted; `billpay match` picks it up again.
 */
export async function matchPostedFile(db: DataSource, fileId: string): Promise<MatchSummary | null> {
  try {
    return await matchPayments(db, { fileId });
  } catch (error) {
    log.error("matching after posting failed; run `billpay match`", { fileId, error });
    return null;
  }
}
