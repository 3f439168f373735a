import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ingestFile } from "../../../src/ingest/pipeline";
import { importInvoices } from "../../../src/match/invoice-import";
import { deletionKeys } from "../../../src/match/repair/account-edits";
import { ResolveError, resolveException } from "../../../src/match/resolve";
import { buildReport, renderReport } from "../../../src/report";
import { nameKey } from "../../../src/match/repair/names";
import type { Suggestion } from "../../../src/match/repair/suggest";
import { freshDatabase, type TestDatabase } from "../../support/database";
import { BILLING_SAMPLE } from "../remittance-files";
import { SLIPS, slipsCsv } from "./slips";

describe("repair suggestions for payments whose account number is wrong", function () {
  this.timeout(120_000);
  let t: TestDatabase;
  const bySlip = new Map<string, { id: number; reason: string; suggestions: Suggestion[] }>();

  before(async () => {
    t = await freshDatabase();
    await importInvoices(t.db, BILLING_SAMPLE);
    const posted = await ingestFile(t.db, {
      aggregator: "bank-csv",
      path: slipsCsv(mkdtempSync(path.join(tmpdir(), "slips-"))),
    });
    expect(posted.status).to.equal("posted");
    const rows = (await t.db.query(
      `SELECT e.id::int AS id, p.source_ref, e.reason, e.suggestions FROM exceptions e JOIN payments p ON p.id = e.payment_id`,
    )) as { id: number; source_ref: string; reason: string; suggestions: Suggestion[] }[];
    for (const r of rows) bySlip.set(r.source_ref, r);
  });
  after(async () => t?.close());

  for (const slip of SLIPS) {
    it(`${slip.id} (${slip.evidence[0]}): the meant account ranks first, with its evidence and invoices`, () => {
      const found = bySlip.get(slip.id);
      expect(found, "an exception was opened").to.not.equal(undefined);
      expect(["invalid_account", "unknown_account"]).to.include(found?.reason);
      const [first, ...rest] = found?.suggestions ?? [];
      expect(first?.accountNumber).to.equal(slip.meant);
      expect(first.rank).to.equal(1);
      expect(first.evidence.map((e) => e.kind)).to.deep.equal(slip.evidence);
      expect(first.invoices.reduce((sum, i) => sum + i.cents, 0)).to.equal(
        Math.round(Number(slip.amount.replace(",", "")) * 100),
      );
      for (const other of rest) expect(other.score).to.be.lessThan(first.score);
      // Evidence is for people and logs: positions and names, never a full account number.
      expect(JSON.stringify(first.evidence)).not.to.match(/\d{7}/);
    });
  }

  it("the database's keys are the code's keys (the index finds what the code would)", async () => {
    const values = ["712345678", "71234", "7", "", "123-45"];
    for (const v of values) {
      const [{ keys }] = (await t.db.query(`SELECT billpay_deletion_keys($1) AS keys`, [v])) as { keys: string[] }[];
      expect([...keys].sort()).to.deep.equal(deletionKeys(v).sort());
    }
    for (const n of ["José Muñoz", "SMITH, JOHN Q.", "O'Neil-Garcia Maria", "J. Q.", "Zoë ÅNGSTRÖM", "İlker Çelik"]) {
      const [{ key }] = (await t.db.query(`SELECT billpay_name_key($1) AS key`, [n])) as { key: string | null }[];
      expect(key, n).to.equal(nameKey(n));
    }
  });

  it("the report's auto-match rate with suggestions applied counts each slip, by aggregator and by rung", async () => {
    const report = await buildReport(t.db, {
      from: "2017-03-01",
      to: "2017-03-31",
      asOf: new Date("2026-01-01T12:00:00Z"),
    });
    const m = report.matchRate;
    expect(m.payments).to.equal(SLIPS.length);
    expect(m.autoMatched).to.equal(0);
    expect(m.withSuggestions.matched).to.equal(SLIPS.length);
    expect(m.withSuggestions.byCount).to.equal("100.0%");
    expect(m.byAggregator).to.deep.equal([
      { key: "bank-csv", payments: SLIPS.length, cents: m.paymentCents, autoMatched: 0, withSuggestions: SLIPS.length },
    ]);
    expect(m.byRung.reduce((sum, l) => sum + l.withSuggestions, 0)).to.equal(SLIPS.length);
    expect(renderReport(report, "table")).to.include("with repair suggestions applied: 100.0% by count");
  });

  it("taking a suggestion repairs the account and pays the invoices, in the audit log under who took it", async () => {
    const slip = bySlip.get("S2") as { id: number };
    const missing = await resolveException(t.db, slip.id, {
      action: "apply-suggestion",
      suggestion: 9,
      note: "member called",
      by: "jdoe",
    }).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(ResolveError);
    const result = await resolveException(t.db, slip.id, {
      action: "apply-suggestion",
      suggestion: 1,
      note: "member called",
      by: "jdoe",
    });
    expect(result.exception.resolution).to.match(/^apply-suggestion 1: apply-to /);
    expect(result.applied.reduce((sum, a) => sum + a.cents, 0)).to.equal(125_000);
    expect(result.unappliedCents).to.equal(0);
    const [p] = (await t.db.query(
      `SELECT account_number, account_status, match_status FROM payments WHERE source_ref = 'S2'`,
    )) as Record<string, string>[];
    expect(p).to.deep.equal({ account_number: "712345694", account_status: "repaired", match_status: "matched" });
    const audit = (await t.db.query(
      `SELECT a.actor, a.action FROM audit_log a JOIN payments p ON p.id = a.payment_id WHERE p.source_ref = 'S2' AND a.actor = 'jdoe' ORDER BY a.id`,
    )) as { actor: string; action: string }[];
    expect(audit.map((a) => a.action)).to.include.members([
      "account_repaired",
      "payment_applied",
      "matched",
      "resolved",
    ]);
  });
});
