import { expect } from "chai";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { addUser } from "../../src/console/users";
import { buildHttp } from "../../src/service/http-server";
import { consoleState } from "../../src/service/service";
import { freshDatabase, type TestDatabase } from "../support/database";
import { loadSamples } from "../report/support";

/**
 * The console in a real browser: Debian's chromium driven by playwright-core, against the console
 * served on loopback over the sample data (PGlite by default, PostgreSQL with DATABASE_URL).
 */
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((c) => existsSync(c));
const PASSWORD = "a long enough passphrase";
// Evaluated in the page (the test's own code is compiled without the DOM's types).
const UNLABELLED_FIELDS = `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
  .filter((el) => !el.labels?.length && !el.getAttribute("aria-label")).map((el) => el.outerHTML)`;
const SHOTS = path.join(tmpdir(), `billpay-console-screenshots-${process.pid}`);

describe("the console in headless Chromium", function () {
  this.timeout(180_000);
  let t: TestDatabase;
  let app: FastifyInstance;
  let browser: Browser;
  let base = "";

  before(async function () {
    if (!CHROMIUM) this.skip(); // CI installs Debian's chromium; no browser download is possible here.
    t = await freshDatabase();
    await loadSamples(t);
    await addUser(t.db, { name: "rita", role: "resolver", password: PASSWORD }, "test");
    await addUser(t.db, { name: "vic", role: "viewer", password: PASSWORD }, "test");
    await addUser(t.db, { name: "lou", role: "viewer", password: PASSWORD }, "test");
    app = await buildHttp(consoleState(t.db, "browser-test"), {});
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    mkdirSync(SHOTS, { recursive: true });
    console.log(`      screenshots: ${SHOTS}`);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  async function signIn(name: string, password = PASSWORD): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/console/login`);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: /sign in/i }).click();
    return page;
  }

  async function openExceptions(reason: string): Promise<{ id: number; payment_id: string }[]> {
    return (await t.db.query(
      `SELECT id::int AS id, payment_id FROM exceptions WHERE status = 'open' AND reason = $1 ORDER BY id`,
      [reason],
    )) as { id: number; payment_id: string }[];
  }

  it("a resolver signs in and sees the queue with the sample data's open exceptions", async () => {
    const page = await signIn("rita");
    await page.goto(`${base}/console/exceptions?limit=1000`);
    const [{ open }] = (await t.db.query(`SELECT count(*)::int AS open FROM exceptions WHERE status = 'open'`)) as {
      open: number;
    }[];
    expect(open).to.be.greaterThan(0);
    expect(await page.locator("form.resolve").count()).to.equal(open);
    await page.screenshot({ path: path.join(SHOTS, "exceptions.png"), fullPage: true });
  });

  it("resolves a combined payment by splitting it over two invoices; the payment's audit trail names the resolver", async () => {
    const [combined] = await openExceptions("combined_plans");
    expect(combined, "the samples hold a combined-plans exception").to.not.equal(undefined);
    const invoices = (await t.db.query(
      `SELECT i.invoice_number FROM invoices i JOIN payments p ON p.account_number = i.account_number
        WHERE p.id = $1 AND i.status IN ('open', 'partial') AND i.coverage_month = p.coverage_month ORDER BY i.plan DESC`,
      [combined.payment_id],
    )) as { invoice_number: string }[];
    expect(invoices.length).to.equal(2);
    const page = await signIn("rita");
    await page.goto(`${base}/console/exceptions?limit=1000`);
    const form = page.locator(`form[action="/console/exceptions/${combined.id}/resolve"]`);
    await form.getByLabel("Action").selectOption("apply-to");
    await form.getByLabel(/Invoices/).fill(invoices.map((i) => i.invoice_number).join(","));
    await form.getByLabel(/Note/).fill("split per the member's call");
    await form.getByRole("button").click();
    await page.waitForURL(/resolved=/);
    const [status] = (await t.db.query(`SELECT status, resolved_by FROM exceptions WHERE id = $1`, [combined.id])) as {
      status: string;
      resolved_by: string;
    }[];
    expect(status).to.deep.equal({ status: "resolved", resolved_by: "rita" });
    await page.goto(`${base}/console/payments/${combined.payment_id}`);
    const trail = await page.locator("body").innerText();
    expect(trail).to.include("rita");
    expect(trail).to.match(/payment_applied|applied/);
    await page.screenshot({ path: path.join(SHOTS, "payment.png"), fullPage: true });
  });

  it("a viewer gets no resolve button, and a forged POST from the viewer's session gets 403", async () => {
    const page = await signIn("vic");
    await page.goto(`${base}/console/exceptions`);
    expect(await page.locator("form.resolve").count()).to.equal(0);
    const [open] = await openExceptions("invalid_account");
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const forged = await page.request.post(`${base}/console/exceptions/${open.id}/resolve`, {
      form: { _csrf: csrf, action: "refund", note: "forged", invoices: "" },
    });
    expect(forged.status()).to.equal(403);
  });

  it("a POST without the CSRF token gets 403", async () => {
    const page = await signIn("rita");
    const [open] = await openExceptions("invalid_account");
    const res = await page.request.post(`${base}/console/exceptions/${open.id}/resolve`, {
      form: { action: "refund", note: "no token", invoices: "" },
    });
    expect(res.status()).to.equal(403);
    const [still] = (await t.db.query(`SELECT status FROM exceptions WHERE id = $1`, [open.id])) as {
      status: string;
    }[];
    expect(still.status).to.equal("open");
  });

  it("five wrong passwords lock the user out for a while, even with the right one after", async () => {
    for (let i = 0; i < 5; i++) await signIn("lou", "wrong password here");
    const page = await signIn("lou");
    expect(page.url()).to.include("/console/login");
    expect(await page.locator("body").innerText()).to.match(/try again later|locked|not signed in/i);
  });

  it("every page renders, each form field has a label, and a screenshot of each is written", async () => {
    const page = await signIn("rita");
    const [file] = (await t.db.query(`SELECT id FROM remittance_files ORDER BY received_at LIMIT 1`)) as {
      id: string;
    }[];
    const [invoice] = (await t.db.query(`SELECT id FROM invoices ORDER BY invoice_number LIMIT 1`)) as { id: string }[];
    const pages: [string, string][] = [
      ["dashboard", "/console"],
      ["files", "/console/files"],
      ["file", `/console/files/${file.id}`],
      ["invoices", "/console/invoices"],
      ["invoice", `/console/invoices/${invoice.id}`],
      ["reconciliation", "/console/reconciliation"],
      ["audit", "/console/audit"],
    ];
    for (const [name, url] of pages) {
      const res = await page.goto(`${base}${url}`);
      expect(res?.status(), url).to.equal(200);
      const unlabelled = (await page.evaluate(UNLABELLED_FIELDS)) as string[];
      expect(unlabelled, `${url}: fields without a label`).to.deep.equal([]);
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    }
  });

  it("the queue can be worked with the keyboard alone", async () => {
    const [open] = await openExceptions("invalid_account");
    const page = await signIn("rita");
    await page.goto(`${base}/console/exceptions?limit=1000`);
    const select = `#action-${open.id}`;
    // Tab from the top of the page until the exception's action field has the focus.
    const focused = async () => (await page.evaluate(`document.activeElement?.id`)) === select.slice(1);
    for (let i = 0; i < 2000 && !(await focused()); i++) await page.keyboard.press("Tab");
    expect(await focused()).to.equal(true);
    await page.keyboard.type("refund"); // a focused select picks the option its typed letters begin
    expect(await page.locator(select).inputValue()).to.equal("refund");
    await page.keyboard.press("Tab"); // invoices
    await page.keyboard.press("Tab"); // note
    await page.keyboard.type("refunded by keyboard");
    await page.keyboard.press("Enter");
    await page.waitForURL(/resolved=/);
    const [done] = (await t.db.query(`SELECT status, resolution FROM exceptions WHERE id = $1`, [open.id])) as {
      status: string;
      resolution: string;
    }[];
    expect(done.status).to.equal("resolved");
    expect(done.resolution).to.match(/^refund/);
  });
});
