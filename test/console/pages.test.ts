import { expect } from "chai";
import path from "node:path";
import { DateTime } from "luxon";
import { ingestFile } from "../../src/ingest/pipeline";
import { resolveException } from "../../src/match/resolve";
import { PageNotFound } from "../../src/console/page";
import { auditPage } from "../../src/console/pages/audit";
import { dashboardPage, loadDashboard } from "../../src/console/pages/dashboard";
import { filePage } from "../../src/console/pages/file";
import { filesPage } from "../../src/console/pages/files";
import { invoicePage } from "../../src/console/pages/invoice";
import { invoicesPage } from "../../src/console/pages/invoices";
import { paymentPage } from "../../src/console/pages/payment";
import { reconciliationPage } from "../../src/console/pages/reconciliation";
import { settlementDayPage } from "../../src/console/pages/reconciliation-day";
import { CONSOLE_PAGES } from "../../src/console/pages";
import { formatUsd } from "../../src/model";
import { buildReport } from "../../src/report/reconciliation";
import { SAMPLES_DIR } from "../../src/paths";
import { freshDatabase, type TestDatabase } from "../support/database";
import { loadSamples } from "../report/support";
import { expectEveryFieldLabelled, pageContext, tableRows } from "./support";

/** Every console page rendered against the sample data (and one quarantined file). */
describe("console: pages", () => {
  let t: TestDatabase;
  let quarantinedId: string;
  const one = async <T>(sql: string, params: unknown[] = []) => ((await t.db.query(sql, params)) as T[])[0];

  before(async () => {
    t = await freshDatabase();
    await loadSamples(t);
    const broken = await ingestFile(t.db, {
      aggregator: "rpps",
      path: path.join(SAMPLES_DIR, "rpps", "broken-batch-total.ach"),
    });
    expect(broken.status).to.equal("quarantined");
    quarantinedId = broken.fileId as string;
  });
  after(async () => t?.close());

  it("every page's filters are labelled", async () => {
    for (const page of CONSOLE_PAGES.filter((p) => !p.path.includes(":"))) {
      const html = await page.render(pageContext(t));
      // Every page has the sign-out form (a button alone); the pages with fields must label each.
      if (/<(input|select|textarea)\b(?![^>]*type="hidden")/.test(html)) expectEveryFieldLabelled(html);
    }
  });

  it("dashboard: files today by status, and March 2017's payments by timing as the database counts them", async () => {
    const today = DateTime.now().setZone("America/New_York").toISODate() as string;
    const files = tableRows(await dashboardPage.render(pageContext(t, { query: { day: today } })));
    const [{ posted }] = [
      await one<{ posted: number }>(`SELECT count(*)::int AS posted FROM remittance_files WHERE status = 'posted'`),
    ];
    expect(files).to.deep.include(["posted", String(posted), String(posted)]);
    expect(files).to.deep.include(["quarantined", "1", "1"]);
    const march = tableRows(await dashboardPage.render(pageContext(t, { query: { day: "2017-03-20" } })));
    const timing = (await t.db.query(
      `SELECT timing_status, count(*)::int AS n, sum(amount_cents)::text AS cents FROM payments
        WHERE kind = 'payment' AND status = 'active' AND settled_on BETWEEN '2017-03-01' AND '2017-03-31' GROUP BY 1`,
    )) as { timing_status: string; n: number; cents: string }[];
    expect(timing.length).to.be.greaterThan(1);
    for (const r of timing) expect(march).to.deep.include([r.timing_status, String(r.n), formatUsd(Number(r.cents))]);
    // The CSV holds every chart's figures: the same timing rows, one line each.
    const csv = await (dashboardPage.csv as NonNullable<typeof dashboardPage.csv>)(
      pageContext(t, { query: { day: "2017-03-20" } }),
    );
    expect(csv.split("\r\n")[0]).to.equal("Section,Item,Measure,Value");
    for (const r of timing) expect(csv).to.include(`timing,${r.timing_status},${r.n} payments,`);
  });

  it("dashboard: the month's auto-match rate is the reconciliation report's, by count and amount", async () => {
    const view = await loadDashboard(t.db, "2017-03-20");
    const report = await buildReport(t.db, { from: "2017-03-01", to: "2017-03-31" });
    const { payments, paymentCents, autoMatched, autoMatchedCents, byCount, byAmount } = report.matchRate;
    expect(autoMatched, "the sample data has auto-matched payments in March 2017").to.be.greaterThan(0);
    expect(autoMatched).to.be.lessThan(payments);
    expect(view.matchRate).to.deep.equal({ payments, paymentCents, autoMatched, autoMatchedCents, byCount, byAmount });
  });

  it("files: a quarantined file shows its errors with line and field, and declared against parsed controls", async () => {
    const list = tableRows(await filesPage.render(pageContext(t, { query: { status: "quarantined" } })));
    expect(list.map((r) => r[1])).to.deep.equal(["broken-batch-total.ach"]);
    const html = await filePage.render(pageContext(t, { params: { id: quarantinedId } }));
    const file = await one<{ errors: { line: number | null; field: string | null; code: string }[] }>(
      `SELECT errors FROM remittance_files WHERE id = $1`,
      [quarantinedId],
    );
    const rows = tableRows(html);
    for (const e of file.errors) {
      expect(rows.some((r) => r[0] === String(e.line ?? "") && r[1] === (e.field ?? "") && r[2] === e.code)).to.equal(
        true,
      );
    }
    expect(
      rows.some((r) => r.at(-1) === "NO"),
      "a control that disagrees",
    ).to.equal(true);
  });

  it("files: a file's payments page by line with no overlap, and the CSV holds the page's rows", async () => {
    const file = await one<{ id: string; n: number }>(
      `SELECT file_id AS id, count(*)::int AS n FROM payments GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
    );
    const html = await filePage.render(pageContext(t, { params: { id: file.id } }));
    const lines = tableRows(html)
      .filter((r) => /^\d+$/.test(r[0]) && r.length === 9)
      .map((r) => r[0]);
    expect(lines.length).to.equal(Math.min(file.n, 100));
    const csv = (await filePage.csv?.(pageContext(t, { params: { id: file.id } }))) ?? "";
    expect(
      csv
        .trimEnd()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    ).to.deep.equal(lines);
  });

  it("payment: masked account, the timing explanation, each ladder decision and the audit trail with who resolved", async () => {
    const e = await one<{ id: string; payment_id: string; account_number: string }>(
      `SELECT e.id, e.payment_id, p.account_number FROM exceptions e JOIN payments p ON p.id = e.payment_id
        WHERE e.status = 'open' AND e.reason = 'overpaid' AND p.account_number IS NOT NULL ORDER BY e.id LIMIT 1`,
    );
    await resolveException(t.db, Number(e.id), {
      action: "refund",
      note: "sent back to the member",
      by: "ann.auditor",
    });
    const html = await paymentPage.render(pageContext(t, { params: { id: e.payment_id } }));
    expect(html).not.to.include(e.account_number);
    expect(html).to.include(`*****${e.account_number.slice(-4)}`);
    const p = await one<{ due_on: string; lead_days: number }>(
      `SELECT due_on::text, lead_days FROM payments WHERE id = $1`,
      [e.payment_id],
    );
    expect(html).to.include(DateTime.fromISO(p.due_on).toFormat("MMMM d, yyyy"));
    expect(html).to.include(`<dt>Lead days (settled to due)</dt><dd>${p.lead_days}</dd>`);
    const decisions = (await t.db.query(`SELECT rule, reason FROM match_decisions WHERE payment_id = $1`, [
      e.payment_id,
    ])) as { rule: string; reason: string }[];
    const rows = tableRows(html);
    for (const d of decisions)
      expect(rows.some((r) => r[1] === d.rule && r[5] === d.reason.replace(/&/g, "&amp;"))).to.equal(true);
    expect(rows.some((r) => r[2] === "ann.auditor" && r[4] === "resolved")).to.equal(true);
  });

  it("payment: an unknown id is not found", async () => {
    const missing = paymentPage.render(pageContext(t, { params: { id: "00000000-0000-4000-8000-000000000000" } }));
    await missing.then(
      () => expect.fail("rendered a payment that does not exist"),
      (error: unknown) => expect(error).to.be.instanceOf(PageNotFound),
    );
  });

  it("invoices: billed, paid and open over every month as the database sums them; an invoice shows the payments applied", async () => {
    const sums = await one<{ billed: string; paid: string }>(
      `SELECT sum(amount_due_cents)::text AS billed, sum(paid_cents)::text AS paid FROM invoices`,
    );
    const html = await invoicesPage.render(pageContext(t, { query: { month: "all" } }));
    expect(html).to.include(`<span>Billed</span><b>${formatUsd(Number(sums.billed))}</b>`);
    expect(html).to.include(`<span>Paid</span><b>${formatUsd(Number(sums.paid))}</b>`);
    const newest = await one<{ m: string }>(`SELECT max(coverage_month) AS m FROM invoices`);
    const byDefault = tableRows(await invoicesPage.render(pageContext(t)));
    expect(byDefault.every((r) => r[4] === newest.m)).to.equal(true);
    const paid = await one<{ id: string; number: string; n: number }>(
      `SELECT i.id, i.invoice_number AS number, count(*)::int AS n FROM invoices i JOIN match_decisions d ON d.invoice_id = i.id
        WHERE d.applied_cents <> 0 GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`,
    );
    const detail = tableRows(await invoicePage.render(pageContext(t, { params: { id: paid.id } })));
    expect(detail[0][0]).to.equal(paid.number);
    expect(detail.length - 1).to.be.at.least(paid.n);
  });

  it("reconciliation: a row per settlement day, its CSV the same rows, and a day's drill-down lists its files", async () => {
    const ctx = pageContext(t, { query: { from: "2017-03-01", to: "2017-03-31" } });
    const rows = tableRows(await reconciliationPage.render(ctx));
    expect(rows.map((r) => r[0])).to.include.members(["2017-03-20", "2017-03-21"]);
    const csv = (await reconciliationPage.csv?.(ctx)) ?? "";
    expect(
      csv
        .trimEnd()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    ).to.deep.equal(rows.map((r) => r[0]));
    const day = await settlementDayPage.render(pageContext(t, { params: { day: "2017-03-20" } }));
    const names = (await t.db.query(
      `SELECT DISTINCT f.name FROM payments p JOIN remittance_files f ON f.id = p.file_id WHERE p.settled_on = '2017-03-20'`,
    )) as { name: string }[];
    for (const { name } of names) expect(day).to.include(`>${name}</a>`);
  });

  it("audit: keyset pages cover the log newest first with no overlap; a search by actor finds only that actor", async () => {
    const [{ n }] = (await t.db.query(`SELECT count(*)::int AS n FROM audit_log`)) as { n: number }[];
    expect(n).to.be.greaterThan(100);
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const html = await auditPage.render(pageContext(t, { query: after ? { after } : {} }));
      seen.push(...tableRows(html).map((r) => r[0]));
      const next = /rel="next" href="[^"]*after=([^"&]+)/.exec(html)?.[1];
      if (!next) break;
      after = decodeURIComponent(next);
    }
    expect(seen.length).to.equal(n);
    expect(new Set(seen).size).to.equal(n);
    const e = await one<{ id: string }>(`SELECT min(id) AS id FROM exceptions WHERE status = 'open'`);
    await resolveException(t.db, Number(e.id), { action: "write-off", note: "small difference", by: "bo.reviewer" });
    const query = { actor: "bo.reviewer" };
    const byBo = tableRows(await auditPage.render(pageContext(t, { query })));
    expect(byBo.map((r) => r[4])).to.include("resolved");
    expect(byBo.every((r) => r[2] === "bo.reviewer")).to.equal(true);
    const csv = (await auditPage.csv?.(pageContext(t, { query }))) ?? "";
    expect(csv.trimEnd().split("\r\n").length - 1).to.equal(byBo.length);
  });
});
