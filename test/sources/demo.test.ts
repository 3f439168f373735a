import { expect } from "chai";
import { runDemo, demoAggregators } from "../../src/demo/run-demo";
import { demoTable } from "../../src/cli/actions/demo";
import { summarizePolls } from "../../src/sources/poll-summary";

describe("billpay demo", function () {
  this.timeout(120_000);

  it("pulls every sample file through its local SFTP server: broken-* quarantined, the rest posted", async () => {
    const aggregators = demoAggregators();
    expect(aggregators.map((a) => a.id)).to.include("rpps");
    let pinned = "";
    const result = await runDemo({ fresh: true, onReady: (info) => (pinned = info.hostKeySha256) });
    expect(pinned).to.match(/^SHA256:/);
    expect(
      result.reports.every((r) => r.ok),
      JSON.stringify(result.reports.filter((r) => !r.ok)),
    ).to.equal(true);
    for (const agg of aggregators) {
      const report = result.reports.find((r) => r.aggregator === agg.id);
      const outcomes = Object.fromEntries(report!.files.map((f) => [f.name, f.status]));
      const expected = Object.fromEntries(
        agg.files.map((f) => [f, f.startsWith("broken-") ? "quarantined" : "posted"]),
      );
      expect(outcomes, agg.id).to.deep.equal(expected);
      for (const f of report!.files)
        expect(f.movedTo, f.name).to.match(f.status === "posted" ? /\/archive\// : /\/error\//);
    }
    const summary = summarizePolls(result.reports);
    expect(summary.payments).to.be.greaterThan(0);
    const table = demoTable(result.reports).split("\n");
    expect(table[0]).to.match(/^aggregator\s+file\s+status\s+payments\s+total\s+first error$/);
    expect(table).to.have.length(summary.files + 2);
    expect(table.find((l) => l.includes("normal-day.ach"))).to.match(
      /rpps\s+normal-day\.ach\s+posted\s+\d+\s+\$[\d,]+\.\d\d$/,
    );
    // The billing sample is imported first, so the posted payments are matched as they land.
    expect(result.invoices?.rows).to.be.greaterThan(0);
    expect(result.invoices?.errors).to.deep.equal([]);
    expect(result.matching.byMatchStatus.matched).to.be.greaterThan(0);
    expect(result.matching.openExceptions.invalid_account).to.be.greaterThan(0);
  });
});
