import { expect } from "chai";
import { ingestFile } from "../../src/ingest/pipeline";
import { matchPayments, type MatchSummary } from "../../src/match/matcher";
import { freshDatabase } from "../support/database";
import { DrillChild, DrillDatabase, sleep } from "../support/kill-drill";
import { generateBook, insertInvoices } from "./generated-book";
import { differences, matchOutcome, matchState, NOTHING_BROKEN, type MatchState } from "./match-state";
import { bankCsv, RemittanceFolder } from "./remittance-files";

const EMBEDDED = !process.env.DATABASE_URL;
/** About 7,600 payments (three batches and a part), or 4,600 embedded (two and a part). */
const ACCOUNTS = EMBEDDED ? 2000 : 3300;
/** The drill's batch size, smaller than the production one so that a small book still spans several batches. */
const BATCH = 2000;

/**
 * Exactly-once across kill -9 for matching: a child runs the ladder over a generated book (every
 * kind of decision but reversals, which may wait for their original and so leave a payment
 * undecided by design) and is killed between batches and at random moments; each kill must leave
 * whole batches (a payment decided with its decision rows, audit entries, exceptions and invoice
 * money, or untouched), and the run after the kills must end where a run nobody killed ends, on a
 * copy of the same database.
 */
describe("kill -9 at any moment of a matching run leaves whole batches, and the next run decides every payment once", function () {
  this.timeout(240_000);
  const server = process.env.DATABASE_URL ?? null;
  const folder = new RemittanceFolder();
  let d: DrillDatabase;
  let reference: { outcome: string[]; summary: MatchSummary; ms: number };
  /** Decided payments after each kill, in order. */
  const decidedAfter: number[] = [];

  before(async () => {
    const t = await freshDatabase();
    d = new DrillDatabase(t.db, t.url, t.dataDir);
    const book = generateBook({ accounts: ACCOUNTS, seed: 7 });
    await insertInvoices(d.db, [...book.phases[0].invoices, ...book.phases[1].invoices]);
    for (const file of book.phases.flatMap((p) => p.files)) {
      const rows = file.rows.filter((r) => (r.type ?? "PMT") === "PMT");
      const csv = folder.write(file.name, bankCsv(file.name.replace(/\.csv$/, ""), file.settled, rows));
      const result = await ingestFile(d.db, { aggregator: "bank-csv", path: csv }, { match: false });
      if (result.status !== "posted") throw new Error(`${file.name} was ${result.status}`);
    }
    // The run nobody kills, on a copy taken before any matching.
    const copy = await d.copy(server);
    const started = Date.now();
    const summary = await matchPayments(copy.db, { batchSize: BATCH });
    reference = { outcome: await matchOutcome(copy.db), summary, ms: Date.now() - started };
    await copy.dispose(server);
  });
  after(async () => d?.dispose(server));

  /** Runs matching in a child, killed after `batches` batches commit or `ms` after it is ready; returns what it left. */
  async function killMatching(kill: { batches: number } | { ms: number }): Promise<{
    state: MatchState;
    said: number[];
    transcript: string;
  }> {
    await d.handOver();
    const child = new DrillChild(
      ["match", "batches" in kill ? String(kill.batches) : "-", String(BATCH)],
      d.childEnv(),
    );
    if ("batches" in kill) await child.waitFor(/^hanging$/);
    else {
      const ready = await child.waitFor(/^ready$/);
      await sleep(Math.max(0, ready.at + kill.ms - child.now()));
    }
    await child.kill();
    const said = child.lines.flatMap((l) => /^batch \d+ decided (\d+)$/.exec(l.text)?.[1] ?? []).map(Number);
    const state = await matchState(await d.takeBack());
    decidedAfter.push(state.decided);
    return { state, said, transcript: child.transcript() };
  }

  /** Whole batches: every payment is decided in this run, so a committed batch is BATCH more (or the rest). */
  function expectWholeBatches(state: MatchState, previous: number, said: number[]): void {
    const why = JSON.stringify({ state, previous, said });
    expect(state.broken, why).to.deep.equal(NOTHING_BROKEN);
    const step = state.decided - previous;
    expect(step % BATCH === 0 || state.decided === state.payments, why).to.equal(true);
    // What the child said was committed is there, and at most the batch it was in besides.
    const committed = previous + (said.at(-1) ?? 0);
    expect(state.decided, why).to.be.within(committed, Math.min(committed + BATCH, state.payments));
  }

  it("is a book of several batches, every payment of which the run nobody killed decides", () => {
    expect(reference.summary.considered).to.be.greaterThan(2 * BATCH);
    expect(reference.summary.decided).to.equal(reference.summary.considered);
    expect(reference.summary.exceptionsOpened).to.be.greaterThan(0);
  });

  it("killed between batches (the first committed): that batch is whole and the other payments untouched", async () => {
    const { state, said, transcript } = await killMatching({ batches: 1 });
    expect(said, transcript).to.deep.equal([BATCH]);
    expect(state.decided).to.equal(BATCH);
    expectWholeBatches(state, 0, said);
  });

  for (const n of EMBEDDED ? [1] : [1, 2]) {
    it(`killed at a random moment of the run after it (${n}): whole batches only`, async () => {
      const previous = decidedAfter.at(-1) ?? 0;
      const left = (reference.summary.considered - previous) / reference.summary.considered;
      const { state, said } = await killMatching({ ms: Math.round(Math.random() * reference.ms * left * 0.9) });
      expectWholeBatches(state, previous, said);
    });
  }

  it("the run after the kills decides the rest once, and ends where the run nobody killed ends", async () => {
    const db = await d.takeBack();
    const previous = decidedAfter.at(-1) ?? 0;
    const summary = await matchPayments(db, { batchSize: BATCH });
    expect(summary.decided).to.equal(reference.summary.considered - previous);
    const state = await matchState(db);
    expect(state.broken).to.deep.equal(NOTHING_BROKEN);
    expect(state.decided).to.equal(state.payments);
    expect(differences(reference.outcome, await matchOutcome(db))).to.deep.equal([]);
  });

  it("a further run changes nothing", async () => {
    const db = await d.takeBack();
    const before = await matchOutcome(db);
    expect(await matchPayments(db)).to.include({ considered: 0, decided: 0 });
    expect(differences(before, await matchOutcome(db))).to.deep.equal([]);
  });
});
