import { expect } from "chai";
import type { DataSource } from "typeorm";
import { ingestFile } from "../../src/ingest/pipeline";
import { balanceCents, statusFor, toInvoice, type Invoice } from "../../src/match/invoices";
import { decide, type DuplicateHint } from "../../src/match/ladder";
import { matchPayments, matchPostedFile, type MatchSummary } from "../../src/match/matcher";
import { invoiceContext, reassess, selectPayments, type StoredPayment } from "../../src/match/payments";
import type { MatchStatus } from "../../src/model";
import { addDays } from "../../src/rules/local-date";
import { freshDatabase, type TestDatabase } from "../support/database";
import { generateBook, insertInvoices, type Book, type BookFile } from "./generated-book";
import { bankCsv, RemittanceFolder } from "./remittance-files";

/** One decision as compared: rule, outcome, invoice number (or -) and applied cents. */
type Decision = string;

const similarKeys = (p: StoredPayment) => [
  JSON.stringify(["trace", p.aggregator, p.sourceRef]),
  JSON.stringify(["day", p.accountNumber, p.amountCents, p.settledOn]),
];

/** What deciding one payment did, in the reference. */
interface Step {
  outcome: MatchStatus | null;
  opened: number;
  reconsidered: boolean;
  decisions: number;
}

/** A run's summary, from its steps. */
function summarize(steps: Step[]): MatchSummary {
  const summary: MatchSummary = {
    considered: steps.length,
    reconsidered: 0,
    decided: 0,
    waiting: 0,
    exceptionsOpened: 0,
    repaired: 0,
    byOutcome: {},
  };
  for (const s of steps) {
    summary.reconsidered += Number(s.reconsidered);
    summary.exceptionsOpened += s.opened;
    if (s.outcome) {
      summary.decided += 1;
      summary.byOutcome[s.outcome] = (summary.byOutcome[s.outcome] ?? 0) + 1;
    } else summary.waiting += 1;
  }
  return summary;
}

const cmp = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
/** The order matching takes payments in: money before reversals and returns, oldest file first, line by line. */
const runOrder = (a: StoredPayment, b: StoredPayment): number =>
  Number(isUndo(a)) - Number(isUndo(b)) || cmp(a.postedAt, b.postedAt) || cmp(a.fileId, b.fileId) || a.line - b.line;
const isUndo = (p: StoredPayment) => p.kind === "reversal" || p.kind === "return";
/** Latest settlement first (none last), then the latest posted file, then the first line. */
const latestFirst = (a: StoredPayment, b: StoredPayment): number =>
  -cmp(a.settledOn, b.settledOn) || -cmp(a.postedAt, b.postedAt) || a.line - b.line || cmp(a.fileId, b.fileId);

/**
 * The reference: the pure ladder (`decide`, `reassess`) and the reversal rules, fed one payment at
 * a time in matching's order, against a state of its own that each decision changes (invoices'
 * paid amounts, payments' statuses and applications, open exceptions). It reads the database only
 * for what ingest and billing data put there, never what matching wrote.
 */
class Reference {
  readonly payments = new Map<string, StoredPayment>();
  readonly invoices = new Map<string, Invoice>();
  private readonly accounts = new Map<string, string[]>();
  private readonly applied = new Map<string, Map<string, number>>();
  readonly open = new Map<string, Map<string, number>>();
  readonly decisions = new Map<string, Decision[]>();
  /** What the ladder said of each decision (null: not the ladder's), which the stored reason begins with. */
  readonly reasons = new Map<string, (string | null)[]>();
  /** Payments by trace and by account, amount and settlement day, for duplicate hints. */
  private readonly similar = new Map<string, string[]>();

  /** Takes in payments just ingested and invoices just billed. */
  async sync(db: DataSource): Promise<void> {
    for (const p of await selectPayments(db, `true`, [])) {
      if (this.payments.has(p.id)) continue;
      expect(p.matchStatus, "a payment new to the reference is unmatched").to.equal("unmatched");
      this.payments.set(p.id, p);
      for (const key of similarKeys(p)) this.similar.set(key, [...(this.similar.get(key) ?? []), p.id]);
    }
    const rows = (await db.query(`SELECT * FROM invoices ORDER BY account_number, coverage_month, plan`)) as Parameters<
      typeof toInvoice
    >[0][];
    for (const i of rows.map(toInvoice)) {
      if (this.invoices.has(i.id)) continue;
      this.invoices.set(i.id, i);
      this.accounts.set(i.accountNumber, [...(this.accounts.get(i.accountNumber) ?? []), i.id]);
    }
  }

  /** One matching run (all waiting payments, or one file's and every reversal), as `matchPayments` should do it, step by step. */
  run(fileId?: string): Step[] {
    const billed = (p: StoredPayment) => !!p.accountNumber && this.accounts.has(p.accountNumber);
    const chosen = [...this.payments.values()]
      .filter(
        (p) =>
          p.matchStatus === "unmatched" ||
          (p.matchStatus === "unknown_account" &&
            p.kind === "payment" &&
            p.status === "active" &&
            billed(p) &&
            this.openOf(p.id).has("unknown_account")),
      )
      .filter((p) => !fileId || p.fileId === fileId || isUndo(p))
      .sort(runOrder);
    return chosen.map(({ id }) => {
      const decisionsBefore = this.decisionCount();
      const reconsidered = this.payment(id).matchStatus === "unknown_account";
      if (reconsidered) this.reconsider(this.payment(id));
      const p = this.payment(id);
      const { outcome, opened } = isUndo(p) ? this.undo(p) : this.money(p);
      return { outcome, opened, reconsidered, decisions: this.decisionCount() - decisionsBefore };
    });
  }

  private decisionCount(): number {
    return [...this.decisions.values()].reduce((n, d) => n + d.length, 0);
  }

  private payment(id: string): StoredPayment {
    return this.payments.get(id) as StoredPayment;
  }

  private openOf(id: string): Map<string, number> {
    const open = this.open.get(id) ?? new Map<string, number>();
    this.open.set(id, open);
    return open;
  }

  private record(
    p: StoredPayment,
    rule: string,
    outcome: MatchStatus,
    invoice: Invoice | null,
    cents: number,
    reason: string | null = null,
  ): void {
    const d = `${rule}:${outcome}:${invoice?.invoiceNumber ?? "-"}:${cents}`;
    this.decisions.set(p.id, [...(this.decisions.get(p.id) ?? []), d]);
    this.reasons.set(p.id, [...(this.reasons.get(p.id) ?? []), reason]);
  }

  private queue(p: StoredPayment, reason: string, cents: number): number {
    const open = this.openOf(p.id);
    if (open.has(reason)) return 0;
    open.set(reason, cents);
    return 1;
  }

  private pay(p: StoredPayment, invoice: Invoice, cents: number): void {
    const paidCents = invoice.paidCents + cents;
    this.invoices.set(invoice.id, { ...invoice, paidCents, status: statusFor(paidCents, invoice.amountDueCents) });
    const byInvoice = this.applied.get(p.id) ?? new Map<string, number>();
    this.applied.set(p.id, byInvoice.set(invoice.id, (byInvoice.get(invoice.id) ?? 0) + cents));
  }

  private reconsider(p: StoredPayment): void {
    this.record(p, "account_now_known", "unmatched", null, 0);
    this.openOf(p.id).delete("unknown_account");
    this.payments.set(p.id, { ...p, ...reassess(p, { knownAccount: true }), matchStatus: "unmatched" });
  }

  /** The duplicate hint of a payment: other files' earlier payments, as they now are. */
  private hint(p: StoredPayment): DuplicateHint | null {
    if (p.status === "duplicate") {
      const first = p.duplicateOf ? this.payments.get(p.duplicateOf) : undefined;
      return { rule: "resent_payment", paymentId: p.duplicateOf, fileName: first?.fileName ?? null };
    }
    const earlier = (o: StoredPayment) =>
      cmp(o.postedAt, p.postedAt) < 0 || (o.postedAt === p.postedAt && o.fileId < p.fileId);
    const byTrace = (o: StoredPayment) => o.aggregator === p.aggregator && o.sourceRef === p.sourceRef;
    const sameDay = (o: StoredPayment) =>
      o.accountNumber === p.accountNumber && o.amountCents === p.amountCents && o.settledOn === p.settledOn;
    const found = [...new Set(similarKeys(p).flatMap((key) => this.similar.get(key) ?? []))]
      .map((id) => this.payment(id))
      .filter((o) => o.kind === "payment" && o.status === "active" && o.matchStatus !== "reversed")
      .filter((o) => o.fileId !== p.fileId && earlier(o) && (byTrace(o) || sameDay(o)))
      .sort((a, b) => Number(byTrace(b)) - Number(byTrace(a)) || cmp(a.postedAt, b.postedAt) || a.line - b.line)[0];
    if (!found) return null;
    return {
      rule: byTrace(found) ? "same_trace" : "same_account_amount_day",
      paymentId: found.id,
      fileName: found.fileName,
    };
  }

  private money(p: StoredPayment): { outcome: MatchStatus | null; opened: number } {
    const invoices = p.accountNumber
      ? (this.accounts.get(p.accountNumber) ?? []).map((id) => this.invoices.get(id) as Invoice)
      : [];
    const d = decide(p, { billingDataExists: true, duplicate: this.hint(p), invoices });
    if (!d) return { outcome: null, opened: 0 };
    let next: StoredPayment = { ...p, matchStatus: d.outcome };
    if (d.outcome === "unknown_account")
      next = { ...p, ...reassess(p, { knownAccount: false }), matchStatus: d.outcome };
    if (d.invoice) next = { ...p, ...reassess(p, invoiceContext(d.invoice)), matchStatus: d.outcome };
    for (const a of d.applications) {
      expect(a.cents, "the ladder applies no more than is owed").to.be.at.most(balanceCents(a.invoice));
      this.pay(p, a.invoice, a.cents);
      this.record(p, d.rule, d.outcome, a.invoice, a.cents, d.reason);
    }
    if (!d.applications.length) this.record(p, d.rule, d.outcome, d.invoice, 0, d.reason);
    this.payments.set(p.id, next);
    return { outcome: d.outcome, opened: d.exception ? this.queue(p, d.exception.reason, d.exception.amountCents) : 0 };
  }

  /** By reference (its original_ref or its own trace); else, naming none, the same account and amount within 14 days before. */
  private original(r: StoredPayment): { o: StoredPayment; by: string } | null {
    const open = [...this.payments.values()].filter(
      (o) => o.kind === "payment" && o.status === "active" && o.matchStatus !== "reversed" && o.id !== r.id,
    );
    const refs = [r.originalRef, r.sourceRef].filter((v) => !!v);
    const byRef = open.filter((o) => o.aggregator === r.aggregator && refs.includes(o.sourceRef)).sort(latestFirst)[0];
    if (byRef) return { o: byRef, by: "reference" };
    if (r.originalRef || !r.settledOn || (!r.accountNumber && !r.accountRaw)) return null;
    const from = addDays(r.settledOn, -14);
    const near = open
      .filter(
        (o) =>
          o.amountCents === r.amountCents &&
          o.settledOn !== null &&
          o.settledOn >= from &&
          o.settledOn <= (r.settledOn as string),
      )
      .filter((o) =>
        r.accountNumber
          ? o.accountNumber === r.accountNumber
          : o.accountNumber === null && o.accountRaw === r.accountRaw,
      )
      .sort(latestFirst)[0];
    return near ? { o: near, by: "account_amount_date" } : null;
  }

  private undo(r: StoredPayment): { outcome: MatchStatus | null; opened: number } {
    const found = this.original(r);
    if (!found) return { outcome: null, opened: this.queue(r, "original_not_found", r.amountCents) };
    const { o } = found;
    const applied = [...(this.applied.get(o.id) ?? new Map<string, number>())]
      .filter(([, c]) => c !== 0)
      .sort(([a], [b]) => cmp(a, b));
    for (const [invoiceId, cents] of applied) {
      const invoice = this.invoices.get(invoiceId) as Invoice;
      this.pay(o, invoice, -cents);
      this.record(o, "reversed", "reversed", invoice, -cents);
    }
    if (!applied.length) this.record(o, "reversed", "reversed", null, 0);
    this.payments.set(o.id, { ...o, matchStatus: "reversed" });
    this.openOf(o.id).clear();
    this.record(r, `reversal_${found.by}`, "matched", null, 0);
    this.payments.set(r.id, { ...r, matchStatus: "matched" });
    this.openOf(r.id).clear();
    return { outcome: "matched", opened: 0 };
  }
}

/** What the database holds after matching, in the reference's terms. */
async function stored(db: DataSource) {
  const decisions = (await db.query(
    `SELECT d.payment_id, d.rule, d.outcome, i.invoice_number, d.applied_cents::text AS cents, d.reason
       FROM match_decisions d LEFT JOIN invoices i ON i.id = d.invoice_id ORDER BY d.decided_at, d.id`,
  )) as {
    payment_id: string;
    rule: string;
    outcome: string;
    invoice_number: string | null;
    cents: string;
    reason: string;
  }[];
  const exceptions = (await db.query(
    `SELECT payment_id, reason, amount_cents::text AS cents FROM exceptions WHERE status = 'open'`,
  )) as { payment_id: string; reason: string; cents: string }[];
  const payments = (await db.query(`SELECT id, match_status FROM payments`)) as { id: string; match_status: string }[];
  const invoices = (await db.query(`SELECT id, paid_cents::text AS paid, status FROM invoices`)) as {
    id: string;
    paid: string;
    status: string;
  }[];
  return { decisions, exceptions, payments, invoices };
}

async function counts(db: DataSource): Promise<Record<string, number>> {
  return (
    (await db.query(
      `SELECT (SELECT count(*) FROM match_decisions)::int AS decisions, (SELECT count(*) FROM audit_log)::int AS audit,
              (SELECT count(*) FROM exceptions)::int AS exceptions`,
    )) as Record<string, number>[]
  )[0];
}

/** The batch size of the run that crashes in its second batch. */
const CRASH_BATCH_SIZE = 2000;

describe("matching in sets: a generated book matched by batches gives, payment by payment, the ladder's decisions one at a time", function () {
  this.timeout(300_000);
  let t: TestDatabase;
  const folder = new RemittanceFolder();
  const reference = new Reference();
  const book: Book = generateBook({ accounts: 4300, seed: 11 });
  const summaries: { run: string; got: MatchSummary | null; want: MatchSummary }[] = [];
  let crash: { written: number; firstBatch: number; error: string } | null = null;

  async function ingest(file: BookFile): Promise<string> {
    const path = folder.write(file.name, bankCsv(file.name.replace(/\.csv$/, ""), file.settled, file.rows));
    const result = await ingestFile(t.db, { aggregator: "bank-csv", path }, { match: false });
    if (result.status !== "posted" || !result.fileId) throw new Error(`${file.name} was ${result.status}`);
    return result.fileId;
  }

  /** Makes the second batch's writes of the next run fail, as a crash would. */
  async function crashSecondBatch(): Promise<void> {
    await t.db.query(`CREATE TABLE crash_after (statements int NOT NULL)`);
    await t.db.query(`INSERT INTO crash_after VALUES (0)`);
    await t.db.query(`
      CREATE FUNCTION crash_second_batch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE crash_after SET statements = statements + 1;
        IF (SELECT statements FROM crash_after) >= 2 THEN RAISE EXCEPTION 'the machine fell over'; END IF;
        RETURN NULL;
      END $$`);
    await t.db.query(
      `CREATE TRIGGER crash_second_batch AFTER INSERT ON match_decisions FOR EACH STATEMENT EXECUTE FUNCTION crash_second_batch()`,
    );
  }

  async function mend(): Promise<void> {
    await t.db.query(`DROP TRIGGER crash_second_batch ON match_decisions`);
    await t.db.query(`DROP FUNCTION crash_second_batch()`);
    await t.db.query(`DROP TABLE crash_after`);
  }

  before(async () => {
    t = await freshDatabase();
    const [first, second] = book.phases;
    await insertInvoices(t.db, first.invoices);
    // One file matched as the pipeline does after posting it (that file's payments and every reversal)…
    const fileId = await ingest(first.files[0]);
    await reference.sync(t.db);
    let steps = reference.run(fileId);
    summaries.push({ run: "the first file", got: await matchPostedFile(t.db, fileId), want: summarize(steps) });
    // …then the rest of the first days' files in one run.
    for (const file of first.files.slice(1)) await ingest(file);
    await reference.sync(t.db);
    steps = reference.run();
    summaries.push({ run: "the first days", got: await matchPayments(t.db), want: summarize(steps) });
    // Billing data for accounts that paid before they were billed, and the later days' files; the
    // run crashes in its second batch, and the next run finishes it.
    await insertInvoices(t.db, second.invoices);
    for (const file of second.files) await ingest(file);
    await reference.sync(t.db);
    steps = reference.run();
    // Batches smaller than the default, so that the book's later days take several.
    expect(steps.length).to.be.greaterThan(CRASH_BATCH_SIZE);
    const before = (await counts(t.db)).decisions;
    await crashSecondBatch();
    const error = await matchPayments(t.db, { batchSize: CRASH_BATCH_SIZE }).then(
      () => "no crash",
      (e: Error) => e.message,
    );
    await mend();
    const firstBatch = steps.slice(0, CRASH_BATCH_SIZE);
    crash = {
      written: (await counts(t.db)).decisions - before,
      firstBatch: firstBatch.reduce((n, s) => n + s.decisions, 0),
      error,
    };
    summaries.push({
      run: "the later days, after the crash",
      got: await matchPayments(t.db),
      want: summarize(steps.slice(CRASH_BATCH_SIZE)),
    });
  });
  after(async () => t?.close());

  it("is a book of 10,000+ payments over several files and days with every case", async () => {
    const rows = (await t.db.query(
      `SELECT (SELECT count(*) FROM payments)::int AS payments, (SELECT count(*) FROM remittance_files)::int AS files,
              (SELECT count(DISTINCT settled_on) FROM payments)::int AS days`,
    )) as { payments: number; files: number; days: number }[];
    expect(rows[0].payments).to.be.at.least(10_000);
    expect(rows[0].files).to.be.at.least(10);
    const rules = new Set([...reference.decisions.values()].flat().map((d) => d.split(":")[0]));
    for (const rule of [
      "exact",
      "partial",
      "overpaid",
      "combined_plans",
      "partial_unclear_plan",
      "overpaid_unclear_plan",
      "no_open_invoice",
      "resent_payment",
      "same_trace",
      "same_account_amount_day",
      "invalid_account",
      "unknown_account",
      "account_now_known",
      "reversed",
      "reversal_reference",
      "reversal_account_amount_date",
    ])
      expect(rules, rule).to.include(rule);
  });

  it("gives each run the reference's summary", () => {
    for (const s of summaries) expect(s.got, s.run).to.deep.equal(s.want);
  });

  it("gives every payment the decisions, status and open exceptions the reference gives, and every invoice its paid amount", async () => {
    const db = await stored(t.db);
    const got = new Map<string, Decision[]>();
    const wrongReason: string[] = [];
    for (const d of db.decisions) {
      const mine = got.get(d.payment_id) ?? [];
      got.set(d.payment_id, [...mine, `${d.rule}:${d.outcome}:${d.invoice_number ?? "-"}:${d.cents}`]);
      // The ladder's reason, and after it what re-timing the payment found (a late first payment).
      const said = reference.reasons.get(d.payment_id)?.[mine.length];
      if (said && !d.reason.startsWith(said)) wrongReason.push(`${d.payment_id}: ${d.reason}`);
    }
    const differ = (what: string, want: Map<string, unknown>, have: Map<string, unknown>) =>
      [...new Set([...want.keys(), ...have.keys()])]
        .filter((id) => JSON.stringify(want.get(id) ?? null) !== JSON.stringify(have.get(id) ?? null))
        .slice(0, 5)
        .map((id) => `${what} ${id}: want ${JSON.stringify(want.get(id))}, got ${JSON.stringify(have.get(id))}`);
    const openGot = new Map<string, Record<string, number>>();
    for (const e of db.exceptions)
      openGot.set(e.payment_id, { ...openGot.get(e.payment_id), [e.reason]: Number(e.cents) });
    const openWant = new Map(
      [...reference.open].filter(([, m]) => m.size).map(([id, m]) => [id, Object.fromEntries([...m].sort())]),
    );
    const sortKeys = (m: Map<string, Record<string, number>>) =>
      new Map([...m].map(([id, r]) => [id, Object.fromEntries(Object.entries(r).sort())]));
    expect([
      ...differ("decisions of", reference.decisions, got),
      ...differ(
        "status of",
        new Map([...reference.payments].map(([id, p]) => [id, p.matchStatus])),
        new Map(db.payments.map((p) => [p.id, p.match_status])),
      ),
      ...differ("open exceptions of", openWant, sortKeys(openGot)),
      ...differ(
        "invoice",
        new Map([...reference.invoices].map(([id, i]) => [id, `${i.paidCents}:${i.status}`])),
        new Map(db.invoices.map((i) => [i.id, `${i.paid}:${i.status}`])),
      ),
    ]).to.deep.equal([]);
    expect(wrongReason.slice(0, 5), `${wrongReason.length} reasons`).to.deep.equal([]);
  });

  it("marks a payment matched with no person (auto_rule) exactly when one of its decisions is such a rule", async () => {
    const rows = (await t.db.query(
      `SELECT p.id, p.auto_rule, d.rule
         FROM payments p
         LEFT JOIN LATERAL (SELECT rule FROM match_decisions d WHERE d.payment_id = p.id AND d.rule IN ('exact', 'repaired_match')
                             ORDER BY decided_at LIMIT 1) d ON true
        WHERE p.auto_rule IS DISTINCT FROM d.rule`,
    )) as { id: string; auto_rule: string | null; rule: string | null }[];
    expect(rows.slice(0, 5), `${rows.length} payments`).to.deep.equal([]);
    const [{ auto }] = (await t.db.query(`SELECT count(*)::int AS auto FROM payments WHERE auto_rule = 'exact'`)) as {
      auto: number;
    }[];
    expect(auto, "the book has exact matches").to.be.greaterThan(1000);
  });

  it("a crash mid-run left whole batches only, and the run after it wrote no decision twice", () => {
    expect(crash?.error).to.contain("the machine fell over");
    expect(crash?.written).to.equal(crash?.firstBatch);
  });

  it("changes nothing when run again", async () => {
    const before = await counts(t.db);
    const again = await matchPayments(t.db);
    expect(again).to.include({ decided: 0, reconsidered: 0, exceptionsOpened: 0 });
    expect(again.waiting).to.equal(again.considered);
    expect(await counts(t.db)).to.deep.equal(before);
  });
});
