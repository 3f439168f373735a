import { expect } from "chai";
import path from "node:path";
import { ingestFile } from "../../src/ingest/pipeline";
import { listExceptions } from "../../src/match/exceptions";
import { SAMPLES_DIR } from "../../src/paths";
import { freshDatabase, type TestDatabase } from "../support/database";

describe("matching an RPPS NACHA file before any billing data exists", () => {
  let t: TestDatabase;
  const statuses = async () =>
    (await t.db.query(`SELECT source_ref, kind, match_status FROM payments ORDER BY line`)) as {
      source_ref: string;
      kind: string;
      match_status: string;
    }[];

  before(async () => {
    t = await freshDatabase();
    const result = await ingestFile(t.db, {
      aggregator: "rpps",
      path: path.join(SAMPLES_DIR, "rpps", "normal-day.ach"),
    });
    expect(result.status).to.equal("posted");
  });
  after(async () => t?.close());

  it("leaves payments with a usable account unmatched until billing data arrives", async () => {
    const waiting = (await statuses()).filter((p) => p.kind === "payment" && p.match_status === "unmatched");
    expect(waiting.length).to.be.greaterThan(20);
  });

  it("marks prenotes and notifications of change not_applicable", async () => {
    const rows = (await statuses()).filter((p) => p.kind === "prenote" || p.kind === "noc");
    expect(rows.map((r) => r.match_status)).to.deep.equal(["not_applicable", "not_applicable"]);
  });

  it("queues a C09 notification of change for a person to correct the account number", async () => {
    const [e] = await listExceptions(t.db, { reason: "account_correction" });
    expect(e.payment?.kind).to.equal("noc");
    expect(e.message).to.contain("C09");
  });

  it("finds an RPPS reversal's original by account as typed, amount and date, and closes its exception", async () => {
    const byRef = new Map((await statuses()).map((p) => [p.source_ref, p.match_status]));
    expect(byRef.get("999900010000008")).to.equal("reversed"); // 7123456820, an invalid account
    expect(byRef.get("999900010000015")).to.equal("matched"); // its reversal
    const invalid = await listExceptions(t.db, { reason: "invalid_account" });
    expect(invalid.map((e) => e.payment?.payerName)).to.not.include("DANA MOCKUP");
    expect(invalid.map((e) => e.payment?.payerName)).to.include("ROBIN PLACEHOLD");
  });

  it("keeps a return whose original trace is not held waiting, with an exception", async () => {
    const [e] = await listExceptions(t.db, { reason: "original_not_found" });
    expect(e.payment?.kind).to.equal("return");
  });
});
