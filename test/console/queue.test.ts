import { expect } from "chai";
import { exceptionsPage } from "../../src/console/pages/exceptions";
import { RESOLVE_ACTIONS } from "../../src/match/resolve-actions";
import { freshDatabase, type TestDatabase } from "../support/database";
import { loadSamples } from "../report/support";
import { expectEveryFieldLabelled, pageContext, tableRows } from "./support";

/** The exception queue against the sample data: what a person works from. */
describe("console: the exception queue", () => {
  let t: TestDatabase;
  const queue = (query: Record<string, string> = {}, role: "viewer" | "resolver" = "resolver") =>
    exceptionsPage.render(pageContext(t, { query, role }));
  const ids = (html: string) => tableRows(html).map((r) => r[0]);
  const nextCursor = (html: string) => /rel="next" href="[^"]*after=([^"&]+)/.exec(html)?.[1] ?? null;

  before(async () => {
    t = await freshDatabase();
    await loadSamples(t);
  });
  after(async () => t?.close());

  it("lists every open exception once across keyset pages, in the order of one long page", async () => {
    const open = (await t.db.query(`SELECT id::text FROM exceptions WHERE status = 'open'`)) as { id: string }[];
    expect(open.length).to.be.greaterThan(6);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const html = await queue({ limit: "4", ...(after ? { after: decodeURIComponent(after) } : {}) });
      const pageIds = ids(html);
      expect(pageIds.length).to.be.at.most(4);
      seen.push(...pageIds);
      after = nextCursor(html);
      if (!after) break;
    }
    expect(new Set(seen).size, "no row on two pages").to.equal(seen.length);
    expect([...seen].sort()).to.deep.equal(open.map((o) => o.id).sort());
    expect(seen).to.deep.equal(ids(await queue({ limit: "1000" })));
  });

  it("pages by amount, largest first, with no overlap between pages", async () => {
    const first = await queue({ sort: "amount", limit: "5" });
    const cursor = nextCursor(first);
    expect(cursor).to.be.a("string");
    const second = await queue({ sort: "amount", limit: "5", after: decodeURIComponent(cursor as string) });
    const rows = [...tableRows(first), ...tableRows(second)];
    const cents = rows.map((r) => Number(r[4].replace(/[$,]/g, "").replace(".", "")));
    expect(cents).to.deep.equal([...cents].sort((a, b) => b - a));
    expect(new Set(rows.map((r) => r[0])).size).to.equal(10);
  });

  it("filters by reason and by amount range, and says how many match", async () => {
    const [{ n }] = (await t.db.query(
      `SELECT count(*)::int AS n FROM exceptions WHERE status = 'open' AND reason = 'overpaid'`,
    )) as { n: number }[];
    const html = await queue({ reason: "overpaid" });
    const rows = tableRows(html);
    expect(rows.length).to.equal(n);
    expect(rows.every((r) => r[1] === "overpaid")).to.equal(true);
    expect(html).to.include(`${n} open exception`);
    const ranged = tableRows(await queue({ min_amount: "40", max_amount: "300.00" }));
    expect(ranged.length).to.be.greaterThan(0);
    for (const r of ranged) {
      const cents = Number(r[4].replace(/[$,.]/g, ""));
      expect(cents).to.be.within(4000, 30000);
    }
  });

  it("gives a resolver a labelled resolve form per row with every action, a required note and the CSRF token", async () => {
    const html = await queue({ limit: "3" });
    const forms = [
      ...html.matchAll(
        /<form class="resolve" method="post" action="\/console\/exceptions\/(\d+)\/resolve">(.*?)<\/form>/g,
      ),
    ];
    expect(forms.map((f) => f[1])).to.deep.equal(ids(html));
    for (const [, , form] of forms) {
      for (const action of RESOLVE_ACTIONS) expect(form).to.include(`<option value="${action}">`);
      expect(form).to.include(`<input type="hidden" name="_csrf" value="csrf-token-for-tests">`);
      expect(form).to.match(/name="note" type="text" required/);
    }
    expectEveryFieldLabelled(html);
  });

  it("shows a viewer the queue without any resolve form", async () => {
    const html = await queue({}, "viewer");
    expect(ids(html).length).to.be.greaterThan(0);
    expect(html).not.to.include("/resolve");
    // The one CSRF field left is the sign-out form's, which every signed-in page has.
    expect(html.match(/name="_csrf"/g)?.length).to.equal(1);
    expect(html).to.include('action="/console/logout"');
  });

  it("masks account numbers and escapes what the data says", async () => {
    const accounts = (await t.db.query(
      `SELECT DISTINCT p.account_number FROM exceptions e JOIN payments p ON p.id = e.payment_id
        WHERE e.status = 'open' AND length(p.account_number) >= 8`,
    )) as { account_number: string }[];
    expect(accounts.length).to.be.greaterThan(0);
    const [{ id }] = (await t.db.query(`SELECT min(id)::text AS id FROM exceptions WHERE status = 'open'`)) as {
      id: string;
    }[];
    await t.db.query(`UPDATE exceptions SET message = '<img src=x onerror=alert(1)> & more' WHERE id = $1`, [id]);
    const html = await queue({ limit: "1000" });
    for (const { account_number } of accounts) {
      expect(html).not.to.include(account_number);
      expect(html).to.include(`*****${account_number.slice(-4)}`);
    }
    expect(html).not.to.include("<img src=x");
    expect(html).to.include("&lt;img src=x onerror=alert(1)&gt; &amp; more");
  });

  it("exports the same rows as the table to CSV, with the same filters and page", async () => {
    const query = { sort: "amount", limit: "6" };
    const rows = tableRows(await queue(query));
    const csv = (await exceptionsPage.csv?.(pageContext(t, { query }))) ?? "";
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).to.match(/^Exception,Reason,/);
    expect(lines.slice(1).map((l) => l.split(",")[0])).to.deep.equal(rows.map((r) => r[0]));
    expect(lines.length - 1).to.equal(6);
  });
});
