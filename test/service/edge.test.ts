import { expect } from "chai";
import fc from "fast-check";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { CONSOLE_PAGES } from "../../src/console/pages";
import { ROLES } from "../../src/console/roles";
import { API_QUERY } from "../../src/service/read-api";
import { BODY_LIMIT } from "../../src/service/http-server";
import { consoleApp, signedIn, user, type Browser } from "../console/http-session";
import { loadSamples } from "../report/support";
import { freshDatabase, type TestDatabase } from "../support/database";
import { expectCleanRefusalOrAnswer, expectNoInternals, hostileValue } from "./hostile-input";

/**
 * The HTTP edge under bad input: every query parameter of every API listing and console page (as
 * each role), and every path parameter, takes arbitrary text without a 5xx or a stack; an
 * oversized body, bytes that are not UTF-8 and path traversal are refused with a 4xx.
 */
describe("the HTTP edge under hostile input", function () {
  this.timeout(120_000);
  let t: TestDatabase;
  let app: FastifyInstance;
  const browsers = new Map<string, Browser>();
  /** A real row for each path parameter, so a page gets as far as reading its query. */
  const ids: Record<string, string> = {};

  before(async () => {
    t = await freshDatabase();
    await loadSamples(t);
    app = await consoleApp(t.db);
    for (const role of ROLES) {
      await user(t.db, `edge-${role}`, role);
      browsers.set(role, await signedIn(app, `edge-${role}`));
    }
    const one = async (sql: string) => ((await t.db.query(sql)) as { v: string }[])[0].v;
    ids["/console/files/:id"] = await one(`SELECT id::text AS v FROM remittance_files LIMIT 1`);
    ids["/console/payments/:id"] = await one(`SELECT id::text AS v FROM payments LIMIT 1`);
    ids["/console/invoices/:id"] = await one(`SELECT id::text AS v FROM invoices LIMIT 1`);
    ids["/console/reconciliation/:day"] = await one(`SELECT settled_on::text AS v FROM payments LIMIT 1`);
  });
  after(async () => {
    await app?.close();
    await t?.close();
  });

  const concrete = (path: string) => path.replace(/:\w+$/, ids[path] ?? "");
  const consoleRoutes = () =>
    CONSOLE_PAGES.flatMap((page) => {
      const path = concrete(page.path);
      return (page.csv ? [path, `${path}.csv`] : [path]).map((url) => ({ url, query: page.query }));
    });
  const asRole = fc.constantFrom(...ROLES);

  it("compares SQL-shaped filters as text: they find nothing, where the plain value finds rows", async () => {
    const total = async (status: string) =>
      ((await app.inject({ url: `/api/files?status=${encodeURIComponent(status)}` })).json() as { total: number })
        .total;
    expect(await total("posted")).to.be.above(0);
    for (const shaped of ["posted' OR '1'='1", "posted' --", "posted'; DELETE FROM remittance_files; --"])
      expect(await total(shaped), shaped).to.equal(0);
    expect(await total("posted")).to.be.above(0);
    const page = await browsers.get("viewer")!.get(`/console/files?status=${encodeURIComponent("posted' OR '1'='1")}`);
    expect(page.statusCode).to.equal(200);
    expect(page.body).not.to.match(/<tbody><tr>/);
  });

  it("answers every query parameter of every API listing below 500, whatever its text", async () => {
    for (const [path, names] of Object.entries(API_QUERY)) {
      for (const name of names) {
        await fc.assert(
          fc.asyncProperty(hostileValue, async (value) => {
            const url = `${path}?${name}=${value}`;
            expectCleanRefusalOrAnswer(await app.inject({ url }), url);
          }),
          { numRuns: 30 },
        );
      }
    }
  });

  it("answers every query parameter of every console page and CSV below 500, signed in as each role", async () => {
    for (const route of consoleRoutes()) {
      for (const name of route.query) {
        await fc.assert(
          fc.asyncProperty(asRole, hostileValue, async (role, value) => {
            const url = `${route.url}?${name}=${value}`;
            expectCleanRefusalOrAnswer(await browsers.get(role)!.get(url), `${role} ${url}`);
          }),
          { numRuns: 20 },
        );
      }
    }
  });

  it("answers any path parameter and any sign-in `next` below 500", async () => {
    const templates = [...CONSOLE_PAGES.map((p) => p.path).filter((p) => p.includes(":")), "/api/:x", "/console/:x"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...templates), asRole, hostileValue, async (template, role, value) => {
        const url = template.replace(/:\w+$/, value);
        expectCleanRefusalOrAnswer(await browsers.get(role)!.get(url), `${role} ${url}`);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(hostileValue, async (value) => {
        const url = `/console/login?next=${value}`;
        expectCleanRefusalOrAnswer(await app.inject({ url }), url);
      }),
      { numRuns: 40 },
    );
  });
});

/** A refusal the client can read: the status, and nothing of the service's insides. */
function expectRefused(res: LightMyRequestResponse, status: number, what: string): void {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).to.equal(status);
  expectNoInternals(res, what);
}

describe("the HTTP edge: oversized bodies, bytes that are not UTF-8, traversal", function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let app: FastifyInstance;
  let b: Browser;

  before(async () => {
    t = await freshDatabase();
    app = await consoleApp(t.db);
    await user(t.db, "edge-resolver", "resolver");
    b = await signedIn(app, "edge-resolver");
  });
  after(async () => {
    await app?.close();
    await t?.close();
  });

  const post = (url: string, payload: string | Buffer, cookie = b.cookie) =>
    app.inject({
      method: "POST",
      url,
      payload,
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    });

  it("refuses a body over the limit with 413, before sign-in and after, and takes one just under it", async () => {
    const note = (size: number) => `_csrf=${b.csrf}&action=write-off&note=${"n".repeat(size)}`;
    expectRefused(await post("/console/login", `name=x&password=${"p".repeat(BODY_LIMIT)}`, ""), 413, "sign-in");
    expectRefused(await post("/console/exceptions/1/resolve", note(BODY_LIMIT)), 413, "resolve");
    // Just under the limit the form is read: the CSRF token passes and the unknown exception is the refusal.
    const under = await post("/console/exceptions/1/resolve", note(BODY_LIMIT - 200));
    expect(under.statusCode).to.equal(409);
    expect(under.body).to.contain("no exception 1");
  });

  it("refuses a path, query string or form that is not UTF-8 (or holds a NUL) with 400, as a page or as JSON", async () => {
    for (const url of ["/console/files/%FF", "/console/%C0%AF", "/console/files?status=%FF", "/console?day=%E0%A4%A"]) {
      const res = await b.get(url);
      expectRefused(res, 400, url);
      expect(res.headers["content-type"], url).to.match(/^text\/html/);
    }
    for (const url of [
      "/api/%FF",
      "/api/files?status=%FF",
      "/api/payments?kind=%ED%A0%80",
      "/healthz?x=%",
      "/api/files?aggregator=a%00",
    ]) {
      const res = await app.inject({ url });
      expectRefused(res, 400, url);
      expect(res.json(), url).to.have.property("error").that.is.a("string");
    }
    const bytes = Buffer.concat([
      Buffer.from(`_csrf=${b.csrf}&action=write-off&note=`),
      Buffer.from([0xc3, 0x28, 0xff]),
    ]);
    expectRefused(await post("/console/exceptions/1/resolve", bytes), 400, "raw bytes in a form");
    expectRefused(
      await post("/console/exceptions/1/resolve", `_csrf=${b.csrf}&note=%FF%FE`),
      400,
      "an escape in a form",
    );
    expectRefused(await post("/console/exceptions/1/resolve", `_csrf=${b.csrf}&note=a%00b`), 400, "a NUL in a form");
    // The same form, well encoded, is read: the refusal is about the exception, not the bytes.
    expect(
      (await post("/console/exceptions/1/resolve", `_csrf=${b.csrf}&action=write-off&note=%C3%A9`)).statusCode,
    ).to.equal(409);
  });

  it("answers path traversal with a 4xx and never a file", async () => {
    const urls = [
      "/console/../../../../etc/passwd",
      "/console/files/..%2F..%2F..%2Fetc%2Fpasswd",
      "/console/%2e%2e/%2e%2e/etc/passwd",
      "/console/files/../../../etc/passwd.csv",
      "/api/../../etc/passwd",
      "/console/reconciliation/..%5C..%5Cwindows%5Cwin.ini",
    ];
    for (const url of urls) {
      const res = await b.get(url);
      expect(res.statusCode, url).to.be.within(400, 499);
      expect(res.body, url).not.to.match(/root:|\[fonts\]/);
      expectNoInternals(res, url);
    }
  });
});
