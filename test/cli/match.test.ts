import { expect } from "chai";
import path from "node:path";
import { SAMPLES_DIR } from "../../src/paths";
import { billpay, cliDatabase } from "../match/cli-support";
import { BILLING_SAMPLE } from "../match/remittance-files";

describe("billpay match", () => {
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  before(async () => (db = await cliDatabase()));
  after(async () => db?.close());

  it("matches payments that waited for billing data, and changes nothing when run again", () => {
    const ingest = billpay(
      db.env,
      "ingest-file",
      path.join(SAMPLES_DIR, "bank-csv", "day-20170320.csv"),
      "--aggregator",
      "bank-csv",
    );
    expect(ingest.code, ingest.stderr).to.equal(0);
    expect(billpay(db.env, "invoices", "import", BILLING_SAMPLE, "--no-match").code).to.equal(0);
    const first = billpay(db.env, "match", "--json");
    expect(first.code, first.stderr).to.equal(0);
    const summary = JSON.parse(first.stdout) as { decided: number; byOutcome: Record<string, number> };
    expect(summary.decided).to.be.greaterThan(5);
    expect(summary.byOutcome).to.include.keys("matched", "combined_plans", "partial", "overpaid");
    const again = billpay(db.env, "match");
    expect(again.stdout).to.match(/^\d+ considered: 0 decided, \d+ waiting, 0 exceptions opened\n$/);
  });
});
