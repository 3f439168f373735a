import { expect } from "chai";
import { parse } from "csv-parse/sync";
import { buildReport, renderReport, type ReconciliationReport } from "../../src/report";
import { headline } from "../../src/report/reconciliation";
import { freshDatabase, type TestDatabase } from "../support/database";
import { AS_OF, loadSamples } from "./support";

describe("the reconciliation report", () => {
  let t: TestDatabase;
  let report: ReconciliationReport;
  const PERIOD = { from: "2017-03-01", to: "2017-03-31", asOf: AS_OF };
  const one = async <T>(sql: string, params: unknown[] = []) => ((await t.db.query(sql, params)) as T[])[0];

  before(async () => {
    t = await freshDatabase();
    await loadSamples(t);
    report = await buildReport(t.db, PERIOD);
  });
  after(async () => t?.close());

  it("totals each kind of entry exactly as a direct SQL sum over the period", async () => {
    const rows = (await t.db.query(
      `SELECT kind, count(*)::int AS count, sum(amount_cents)::text AS cents FROM payments
        WHERE status = 'active' AND settled_on BETWEEN '2017-03-01' AND '2017-03-31' GROUP BY kind`,
    )) as { kind: string; count: number; cents: string }[];
    const expected = Object.fromEntries(rows.map((r) => [r.kind, { count: r.count, cents: Number(r.cents) }]));
    expect(report.totals.byKind).to.deep.equal(expected);
    const net = await one<{ net: string }>(
      `SELECT sum(CASE kind WHEN 'payment' THEN amount_cents WHEN 'prenote' THEN 0 WHEN 'noc' THEN 0 ELSE -amount_cents END)::text AS net
         FROM payments WHERE status = 'active' AND settled_on BETWEEN '2017-03-01' AND '2017-03-31'`,
    );
    expect(report.totals.netCents).to.equal(Number(net.net));
    expect(report.days.reduce((s, d) => s + d.netCents, 0)).to.equal(report.totals.netCents);
  });

  it("counts matched, excepted and unmatched money per day to the same totals", async () => {
    for (const d of report.days) {
      const byMatch = Object.values(d.byMatch).reduce((s, v) => s + (v?.cents ?? 0), 0);
      const byKind = Object.values(d.byKind).reduce((s, v) => s + (v?.cents ?? 0), 0);
      expect(byMatch, d.day).to.equal(byKind);
    }
  });

  it("computes the auto-match rate from the ladder's exact matches, by count and by amount", async () => {
    const r = await one<{ n: number; cents: string; auto: number; auto_cents: string }>(
      `SELECT count(*)::int AS n, sum(amount_cents)::text AS cents,
              count(*) FILTER (WHERE id IN (SELECT payment_id FROM match_decisions WHERE rule = 'exact'))::int AS auto,
              sum(amount_cents) FILTER (WHERE id IN (SELECT payment_id FROM match_decisions WHERE rule = 'exact'))::text AS auto_cents
         FROM payments WHERE kind = 'payment' AND status = 'active' AND settled_on BETWEEN '2017-03-01' AND '2017-03-31'`,
    );
    expect(report.matchRate).to.include({
      payments: r.n,
      paymentCents: Number(r.cents),
      autoMatched: r.auto,
      autoMatchedCents: Number(r.auto_cents),
    });
    expect(report.matchRate.byCount).to.match(/^\d+\.\d%$/);
  });

  it("lists exceptions by reason with their open amounts and ages", async () => {
    const open = await one<{ n: number; cents: string }>(
      `SELECT count(*)::int AS n, sum(e.amount_cents)::text AS cents FROM exceptions e JOIN payments p ON p.id = e.payment_id
        WHERE e.status = 'open' AND p.settled_on BETWEEN '2017-03-01' AND '2017-03-31'`,
    );
    expect(report.exceptions.reduce((s, e) => s + e.open, 0)).to.equal(open.n);
    expect(report.exceptions.reduce((s, e) => s + e.openCents, 0)).to.equal(Number(open.cents));
    const combined = report.exceptions.find((e) => e.reason === "combined_plans");
    expect(combined?.oldestOpenDays).to.equal(0); // opened after AS_OF: never a negative age
    const later = await buildReport(t.db, { ...PERIOD, asOf: new Date(Date.now() + 3.5 * 86_400_000) });
    expect(later.exceptions.find((e) => e.reason === "combined_plans")?.oldestOpenDays).to.equal(3);
  });

  it("shows each file's declared and parsed controls and its net as stored in the ledger", async () => {
    for (const f of report.files) {
      const row = await one<{ total: string }>(
        `SELECT total_cents::text AS total FROM remittance_files WHERE id = $1`,
        [f.id],
      );
      expect(f.netCents, f.name).to.equal(Number(row.total));
      expect(f.controlsAgree, f.name).to.equal(true);
    }
    const csv = report.files.find((f) => f.name === "day-20170320.csv");
    expect(csv).to.include({
      declaredCount: 13,
      parsedCount: 13,
      declaredTotalCents: 358285,
      parsedTotalCents: 358285,
    });
  });

  it("pairs a camt.053 credit with the remittance file it names, with the difference", () => {
    const paired = report.bank.find((b) => b.reference === "FEB-20170320-01");
    expect(paired).to.include({
      fileName: "day-20170320.csv",
      pairedBy: "reference",
      creditCents: 358285,
      remittanceCents: 358285,
      differenceCents: 0,
    });
    const orphan = report.bank.find((b) => b.creditId && b.pairedBy === "none");
    expect(orphan?.differenceCents).to.equal(orphan?.creditCents);
  });

  it("sums a file's per-transaction controls when it has no file-level one", () => {
    const h = headline([
      {
        scope: "transaction 0001",
        line: 5,
        declaredCount: 3,
        parsedCount: 3,
        declaredTotalCents: 100,
        parsedTotalCents: 100,
      },
      {
        scope: "transaction 0002",
        line: 9,
        declaredCount: 2,
        parsedCount: 2,
        declaredTotalCents: 50,
        parsedTotalCents: 50,
      },
      {
        scope: "group 1",
        line: 10,
        declaredCount: 2,
        parsedCount: 2,
        declaredTotalCents: null,
        parsedTotalCents: null,
      },
    ]);
    expect(h).to.include({ declaredCount: 5, declaredTotalCents: 150, scope: "2 transactions" });
  });

  it("renders CSV whose day rows add up to the report's totals", () => {
    const rows = parse(renderReport(report, "csv"), { columns: true }) as Record<string, string>[];
    const kindCents = rows
      .filter((r) => r.section === "day" && r.dimension === "kind")
      .map((r) => r.amount.replace(".", ""));
    const sum = kindCents.reduce((s, c) => s + Number(c), 0);
    expect(sum).to.equal(Object.values(report.totals.byKind).reduce((s, v) => s + (v?.cents ?? 0), 0));
    expect(rows.filter((r) => r.section === "file")).to.have.length(report.files.length);
  });

  it("renders JSON with integer cents and their decimal twins", () => {
    const json = JSON.parse(renderReport(report, "json")) as { totals: { netCents: number; netAmount: string } };
    expect(json.totals.netAmount).to.match(/^-?\d+\.\d{2}$/);
    expect(json.totals.netAmount.replace(".", "")).to.equal(String(json.totals.netCents));
  });

  it("renders a terminal table with every section", () => {
    const text = renderReport(report, "table");
    for (const heading of ["FILES", "SETTLEMENT DAYS", "AUTO-MATCH RATE", "EXCEPTIONS", "BANK CREDITS"])
      expect(text).to.contain(heading);
  });
});
