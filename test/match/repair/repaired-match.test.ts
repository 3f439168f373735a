import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAggregatorMapping } from "../../../src/config/mapping-loader";
import { ingestFile } from "../../../src/ingest/pipeline";
import { importInvoices } from "../../../src/match/invoice-import";
import { SYSTEM_ACTOR } from "../../../src/match/audit-log";
import { matchPayments, type MatchSummary } from "../../../src/match/matcher";
import type { Suggestion } from "../../../src/match/repair/suggest";
import { buildReport } from "../../../src/report";
import { freshDatabase, type TestDatabase } from "../../support/database";
import { BILLING_SAMPLE } from "../remittance-files";
import { SLIPS, slipCents, slipsCsv } from "./slips";

interface SlipState {
  source_ref: string;
  account_number: string | null;
  account_status: string;
  match_status: string;
  reason: string;
  status: string;
  resolution: string | null;
  resolved_by: string | null;
  suggestions: Suggestion[];
}

/** The sample billing data, then the slips file posted under a policy with this auto-apply threshold, then matching. */
async function matchedUnder(t: TestDatabase, autoApplyAbove: number): Promise<MatchSummary> {
  await importInvoices(t.db, BILLING_SAMPLE);
  const loaded = loadAggregatorMapping("bank-csv");
  const posted = await ingestFile(
    t.db,
    {
      aggregator: "bank-csv",
      path: slipsCsv(mkdtempSync(path.join(tmpdir(), "slips-"))),
      mapping: { ...loaded, policy: { ...loaded.policy, repair: { autoApplyAbove } } },
    },
    { match: false },
  );
  expect(posted.status).to.equal("posted");
  return matchPayments(t.db);
}

async function slipStates(t: TestDatabase): Promise<Map<string, SlipState>> {
  const rows = (await t.db.query(
    `SELECT p.source_ref, p.account_number, p.account_status, p.match_status,
            e.reason, e.status, e.resolution, e.resolved_by, e.suggestions
       FROM payments p JOIN exceptions e ON e.payment_id = p.id`,
  )) as SlipState[];
  return new Map(rows.map((r) => [r.source_ref, r]));
}

/** What the policy says should happen: exactly one suggestion above the threshold, and it pays invoices. */
const soleAbove = (s: SlipState, threshold: number) => {
  const above = s.suggestions.filter((x) => x.score > threshold);
  return above.length === 1 && above[0].invoices.length > 0 ? above[0] : null;
};

describe("the repaired_match rung: a wrong account number applied with no person when the policy allows", function () {
  this.timeout(120_000);

  describe("a threshold of 0.80", () => {
    let t: TestDatabase;
    let summary: MatchSummary;
    let states: Map<string, SlipState>;
    before(async () => {
      t = await freshDatabase();
      summary = await matchedUnder(t, 0.8);
      states = await slipStates(t);
    });
    after(async () => t?.close());

    it("matches the slips whose one candidate scores above it (S1–S3), not one at it (S4) or below (S5)", () => {
      const repaired = SLIPS.filter((s) => states.get(s.id)?.match_status === "matched").map((s) => s.id);
      expect(repaired).to.deep.equal(["S1", "S2", "S3"]);
      expect(states.get("S4")?.suggestions[0].score).to.equal(0.8);
      for (const s of SLIPS) {
        const state = states.get(s.id) as SlipState;
        expect(soleAbove(state, 0.8) !== null, s.id).to.equal(repaired.includes(s.id));
      }
      expect(summary.repaired).to.equal(3);
      expect(summary.byOutcome.matched).to.equal(3);
    });

    it("repairs the account to the meant one and closes the exception as the system actor, keeping its suggestions", () => {
      for (const id of ["S1", "S2", "S3"]) {
        const s = states.get(id) as SlipState;
        const meant = SLIPS.find((x) => x.id === id)?.meant;
        expect(s.account_number, id).to.equal(meant);
        expect(s.account_status, id).to.equal("repaired");
        expect([s.status, s.resolution, s.resolved_by], id).to.deep.equal(["resolved", "repaired_match", SYSTEM_ACTOR]);
        expect(s.suggestions[0].accountNumber, id).to.equal(meant);
      }
      for (const id of ["S4", "S5"]) {
        expect(states.get(id)?.status, id).to.equal("open");
        expect(states.get(id)?.suggestions.length, id).to.be.greaterThan(0);
      }
    });

    it("records the rung's decisions with the evidence, paying the payment's whole amount", async () => {
      const rows = (await t.db.query(
        `SELECT p.source_ref, d.applied_cents::int AS cents, d.reason, d.decided_by
           FROM match_decisions d JOIN payments p ON p.id = d.payment_id WHERE d.rule = 'repaired_match'`,
      )) as { source_ref: string; cents: number; reason: string; decided_by: string }[];
      for (const id of ["S1", "S2", "S3"]) {
        const mine = rows.filter((r) => r.source_ref === id);
        const slip = SLIPS.find((x) => x.id === id);
        expect(
          mine.reduce((sum, r) => sum + r.cents, 0),
          id,
        ).to.equal(slip && slipCents(slip));
        expect(mine[0].reason, id).to.match(/^one repair suggestion scores 0\.\d\d|1\.00/);
        expect(mine[0].reason, id).to.include("above the policy's 0.80");
        expect(mine[0].reason, id).to.include(`payer name "${slip?.payer}"`);
        expect(mine[0].decided_by).to.equal(SYSTEM_ACTOR);
      }
      expect(new Set(rows.map((r) => r.source_ref))).to.deep.equal(new Set(["S1", "S2", "S3"]));
    });

    it("puts the repair and the match in the audit log with the evidence", async () => {
      const rows = (await t.db.query(
        `SELECT a.action, a.note FROM audit_log a JOIN payments p ON p.id = a.payment_id
          WHERE p.source_ref = 'S2' AND a.entity = 'payment' ORDER BY a.id`,
      )) as { action: string; note: string }[];
      const actions = rows.map((r) => r.action);
      expect(actions.indexOf("account_repaired")).to.be.greaterThan(-1);
      expect(actions.lastIndexOf("matched")).to.be.greaterThan(actions.indexOf("account_repaired"));
      expect(rows.find((r) => r.action === "account_repaired")?.note).to.include(
        "one digit differs from a billed account",
      );
      expect(rows[rows.length - 1].note).to.match(/^repaired_match: /);
    });

    it("counts the repaired payments as auto-matched, in a rung of their own", async () => {
      const report = await buildReport(t.db, {
        from: "2017-03-01",
        to: "2017-03-31",
        asOf: new Date("2026-01-01T12:00:00Z"),
      });
      const m = report.matchRate;
      expect(m.autoMatched).to.equal(3);
      expect(m.autoMatchedCents).to.equal(
        SLIPS.filter((s) => ["S1", "S2", "S3"].includes(s.id)).reduce((sum, s) => sum + slipCents(s), 0),
      );
      expect(m.byRung.find((l) => l.key === "repaired_match")).to.include({ payments: 3, autoMatched: 3 });
      // The two left open still have a first suggestion that pays: with suggestions, every slip.
      expect(m.withSuggestions.matched).to.equal(SLIPS.length);
    });

    it("a second run changes nothing", async () => {
      const again = await matchPayments(t.db);
      expect(again.decided).to.equal(0);
      expect(again.repaired).to.equal(0);
    });
  });

  describe("a threshold that several candidates pass", () => {
    let t: TestDatabase;
    let states: Map<string, SlipState>;
    before(async () => {
      t = await freshDatabase();
      await matchedUnder(t, 0.3);
      states = await slipStates(t);
    });
    after(async () => t?.close());

    it("applies a slip only where exactly one candidate is above it; the rest wait for a person", () => {
      let crowded = 0;
      for (const s of SLIPS) {
        const state = states.get(s.id) as SlipState;
        const above = state.suggestions.filter((x) => x.score > 0.3).length;
        if (above > 1) crowded += 1;
        expect(state.match_status === "matched", s.id).to.equal(soleAbove(state, 0.3) !== null);
      }
      // The sample's accounts are dense: most slips have more than one candidate above 0.30.
      expect(crowded).to.be.greaterThan(0);
    });
  });
});
