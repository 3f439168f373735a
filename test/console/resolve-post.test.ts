import { expect } from "chai";
import type { FastifyInstance } from "fastify";
import { auditForPayment } from "../../src/match/audit-log";
import { listExceptions } from "../../src/match/exceptions";
import { importInvoices } from "../../src/match/invoice-import";
import { INVOICE_HEADER, RemittanceFolder } from "../match/remittance-files";
import { freshDatabase, type TestDatabase } from "../support/database";
import { consoleApp, signedIn, user, type Browser } from "./http-session";

/** POST /console/exceptions/:id/resolve: the CLI's resolve, done as the signed-in user, for roles that may. */
describe("console: resolving an exception", function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let app: FastifyInstance;
  let viewer: Browser;
  let resolver: Browser;
  const folder = new RemittanceFolder();
  const open = async (reason: string) => (await listExceptions(t.db, { reason }))[0];

  before(async () => {
    t = await freshDatabase();
    await importInvoices(
      t.db,
      folder.write(
        "invoices.csv",
        [
          INVOICE_HEADER,
          "H-04,712345686,Thomas Nguyen,health,2017-04,300.00,no",
          "D-04,712345686,Thomas Nguyen,dental,2017-04,40.00,no",
        ].join("\n"),
      ),
    );
    await folder.ingestCsv(t.db, "day1.csv", "2017-03-20", [
      {
        id: "R1",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "340.00",
        account: "712345686",
        name: "Thomas Nguyen",
      },
      {
        id: "R4",
        sent: "2017-03-15",
        settled: "2017-03-20",
        amount: "20.00",
        account: "712399999",
        name: "Nobody Known",
      },
    ]);
    app = await consoleApp(t.db);
    await user(t.db, "vera", "viewer");
    await user(t.db, "rosa", "resolver");
    viewer = await signedIn(app, "vera");
    resolver = await signedIn(app, "rosa");
  });
  after(async () => {
    await app?.close();
    await t?.close();
  });

  it("refuses a viewer's forged POST with 403 and changes nothing", async () => {
    const e = await open("combined_plans");
    const res = await viewer.post(`/console/exceptions/${e.id}/resolve`, {
      _csrf: viewer.csrf,
      action: "apply-to",
      invoices: "H-04,D-04",
      note: "forged",
    });
    expect(res.statusCode).to.equal(403);
    expect((await open("combined_plans")).status).to.equal("open");
  });

  it("refuses a resolver's POST without the CSRF token or without a note", async () => {
    const e = await open("combined_plans");
    const url = `/console/exceptions/${e.id}/resolve`;
    expect((await resolver.post(url, { action: "refund", note: "x" })).statusCode).to.equal(403);
    const noNote = await resolver.post(url, { _csrf: resolver.csrf, action: "refund", note: "  " });
    expect(noNote.statusCode).to.equal(400);
    expect(noNote.body).to.contain("a note saying why is required");
    const badAction = await resolver.post(url, { _csrf: resolver.csrf, action: "delete", note: "x" });
    expect(badAction.statusCode).to.equal(400);
    expect((await open("combined_plans")).status).to.equal("open");
  });

  it("splits a combined payment as the signed-in resolver: the audit trail names her, not a typed name", async () => {
    const e = await open("combined_plans");
    const res = await resolver.post(`/console/exceptions/${e.id}/resolve`, {
      _csrf: resolver.csrf,
      action: "apply-to",
      invoices: "H-04, D-04",
      note: "member confirmed by phone",
      by: "someone-else",
      back: "/console/exceptions?reason=combined_plans",
    });
    expect(res.statusCode, res.body).to.equal(303);
    expect(res.headers.location).to.equal("/console/exceptions?reason=combined_plans");
    const history = await auditForPayment(t.db, e.paymentId as string);
    expect(history.filter((h) => h.actor === "rosa").map((h) => `${h.entity}:${h.action}`)).to.deep.equal([
      "invoice:payment_applied",
      "invoice:payment_applied",
      "payment:matched",
      "exception:resolved",
    ]);
    expect(history.some((h) => h.actor === "someone-else")).to.equal(false);
    const [done] = await listExceptions(t.db, { reason: "combined_plans", status: "all" });
    expect([done.status, done.resolvedBy, done.resolution]).to.deep.equal(["resolved", "rosa", "apply-to H-04,D-04"]);
  });

  it("answers 409 with the reason when the resolution cannot be done, and never leaves the console on redirect", async () => {
    const [done] = await listExceptions(t.db, { reason: "combined_plans", status: "all" });
    const again = await resolver.post(`/console/exceptions/${done.id}/resolve`, {
      _csrf: resolver.csrf,
      action: "refund",
      note: "again",
    });
    expect(again.statusCode).to.equal(409);
    expect(again.body).to.contain("already resolved");
    const e = await open("unknown_account");
    const refund = await resolver.post(`/console/exceptions/${e.id}/resolve`, {
      _csrf: resolver.csrf,
      action: "refund",
      note: "no such member",
      back: "https://elsewhere.example/",
    });
    expect(refund.statusCode).to.equal(303);
    expect(refund.headers.location).to.equal(`/console/exceptions?resolved=${e.id}`);
  });
});
