import { expect } from "chai";
import Fastify, { type FastifyInstance } from "fastify";
import { escapeHtml } from "../../src/console/html";
import { consoleDocument } from "../../src/console/layout";
import { PageInputError, PageNotFound, type ConsolePage } from "../../src/console/page";
import { registerConsole } from "../../src/console/server";
import { freshDatabase, type TestDatabase } from "../support/database";
import { signedIn, user, type Browser } from "./http-session";

/** A page as the pages of src/console/pages are written: it reads its context and may refuse. */
const thingPage: ConsolePage = {
  path: "/console/things/:id",
  title: "Thing",
  query: ["sort", "q"],
  async render(ctx) {
    const id = ctx.params.id ?? "";
    if (id === "missing") throw new PageNotFound(`thing ${id}`);
    // What a driver's error says: it names the schema, so it must not leave the service.
    if (id === "broken") throw new Error('relation "secret_things" does not exist');
    if (ctx.query.sort && ctx.query.sort !== "age") throw new PageInputError("sort must be age");
    return consoleDocument(ctx, `Thing ${id}`, `<p id="q">${escapeHtml(JSON.stringify(ctx.query))}</p>`);
  },
  async csv(ctx) {
    return `id,role\n${ctx.params.id},${ctx.user.role}\n`;
  },
};

describe("console: the shell around a page", function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let app: FastifyInstance;
  let b: Browser;

  before(async () => {
    t = await freshDatabase();
    app = Fastify();
    await app.register(registerConsole, { db: t.db, idleMinutes: 30, pages: [thingPage] });
    await user(t.db, "rosa", "resolver");
    // No dashboard here: the CSRF token comes from the thing page itself.
    b = await signedIn(app, "rosa", undefined, "/console/things/1");
  });
  after(async () => {
    await app?.close();
    await t?.close();
  });

  it("gives a page its parameters, query, user and CSRF token, and sends its document with the security headers", async () => {
    const res = await b.get("/console/things/42?sort=age&sort=age&q=%3Cb%3E");
    expect(res.statusCode).to.equal(200);
    expect(res.body).to.contain("<title>Thing 42 · billpay</title>");
    expect(res.body).to.contain(escapeHtml(JSON.stringify({ sort: "age", q: "<b>" })));
    expect(res.body).to.contain("rosa (resolver)").and.contain(`name="_csrf" value="${b.csrf}"`);
    expect(res.headers["content-security-policy"]).to.contain("frame-ancestors 'none'");
    expect(res.headers["cache-control"]).to.equal("no-store");
  });

  it("answers 404 for what a page does not find and 400 for a filter it cannot read, as HTML", async () => {
    const missing = await b.get("/console/things/missing");
    expect(missing.statusCode).to.equal(404);
    expect(missing.headers["content-type"]).to.match(/^text\/html/);
    expect(missing.body).to.contain("thing missing not found");
    const bad = await b.get("/console/things/7?sort=%3Cscript%3E");
    expect(bad.statusCode).to.equal(400);
    expect(bad.body).to.contain("sort must be age");
  });

  it("answers a failure it does not know with a bare 500 page: no message, no stack", async () => {
    const res = await b.get("/console/things/broken");
    expect(res.statusCode).to.equal(500);
    expect(res.headers["content-type"]).to.match(/^text\/html/);
    expect(res.body).to.contain("Something went wrong");
    expect(res.body).not.to.match(/secret_things|\n\s+at \S|\.ts:\d+/);
  });

  it("hands a page only the query parameters it declares", async () => {
    const res = await b.get("/console/things/3?sort=age&planted=1&q=x");
    expect(res.body).to.contain(escapeHtml(JSON.stringify({ sort: "age", q: "x" })));
  });

  it("serves a page's CSV at its path plus .csv and where its download links point (format=csv), behind the same sign-in", async () => {
    for (const url of ["/console/things/9.csv", "/console/things/9?q=x&format=csv"]) {
      const csv = await b.get(url);
      expect(csv.statusCode, url).to.equal(200);
      expect(csv.headers["content-type"], url).to.equal("text/csv; charset=utf-8");
      expect(csv.headers["content-disposition"], url).to.equal('attachment; filename="things-id.csv"');
      expect(csv.body, url).to.equal("id,role\n9,resolver\n");
      expect((await app.inject({ url })).statusCode, url).to.equal(303);
    }
    expect((await b.get("/console/things/9?format=html")).headers["content-type"]).to.match(/^text\/html/);
  });
});
