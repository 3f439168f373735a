import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { billpay, cliDatabase } from "../match/cli-support";
import { BILLING_SAMPLE } from "../match/remittance-files";

describe("cli exceptions suggest and apply-suggestion", function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  before(async () => {
    db = await cliDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "billpay-suggest-"));
    const csv = path.join(dir, "slip.csv");
    writeFileSync(
      csv,
      [
        "Record Type,Payment ID,Type,Send Date,Deliver Date,Amount,Payee Account,Member Name,Original Payment ID,Return Reason",
        "H,FIRST EXAMPLE BANK,FEB-20170320-08,03/20/2017,MA Health Connector",
        'D,T1,PMT,03/15/2017,03/20/2017,620.00,712345474,"ALI HASSAN",,',
        "T,1,620.00",
        "",
      ].join("\n"),
    );
    for (const args of [
      ["invoices", "import", BILLING_SAMPLE],
      ["ingest-file", csv, "--aggregator", "bank-csv"],
    ]) {
      const r = billpay(db.env, ...args);
      expect(r.code, r.stderr).to.equal(0);
    }
  });
  after(async () => db?.close());

  it("lists the ranked suggestions with their evidence, and taking one resolves the exception", () => {
    const list = JSON.parse(billpay(db.env, "exceptions", "list", "--json").stdout) as { id: number; reason: string }[];
    const slip = list.find((e) => e.reason === "unknown_account" || e.reason === "invalid_account");
    expect(slip).to.not.equal(undefined);
    const id = String(slip?.id);
    const text = billpay(db.env, "exceptions", "suggest", id);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/^1\. account …5744 \(Hassan Ali\), score/m);
    expect(text.stdout).to.include("two neighbouring digits are swapped").and.include("pays: INV-");
    const bad = billpay(
      db.env,
      "exceptions",
      "resolve",
      id,
      "--action",
      "apply-suggestion",
      "--note",
      "n",
      "--by",
      "jdoe",
    );
    expect(bad.code).to.equal(1);
    const done = billpay(
      db.env,
      "exceptions",
      "resolve",
      id,
      "1",
      "--action",
      "apply-suggestion",
      "--note",
      "member called",
      "--by",
      "jdoe",
    );
    expect(done.code, done.stderr).to.equal(0);
    expect(done.stdout).to.match(/resolved: apply-suggestion 1: apply-to INV-\S+ \(\$620\.00 on INV-/);
  });
});
