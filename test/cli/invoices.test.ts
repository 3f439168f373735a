import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { billpay, cliDatabase } from "../match/cli-support";
import { BILLING_SAMPLE, INVOICE_HEADER } from "../match/remittance-files";

describe("billpay invoices import", () => {
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  before(async () => (db = await cliDatabase()));
  after(async () => db?.close());

  it("imports the sample billing data, then finds nothing to change the second time", () => {
    const first = billpay(db.env, "invoices", "import", BILLING_SAMPLE, "--json");
    expect(first.code, first.stderr).to.equal(0);
    const created = (JSON.parse(first.stdout) as { created: number }).created;
    expect(created).to.be.greaterThan(50);
    const second = billpay(db.env, "invoices", "import", BILLING_SAMPLE, "--json");
    expect(JSON.parse(second.stdout)).to.include({ created: 0, updated: 0, unchanged: created });
  });

  it("reports bad rows with their line and field, imports the good ones and exits 2", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "billpay-inv-")), "bad.csv");
    writeFileSync(file, [INVOICE_HEADER, "X-1,712399991,Good Row,health,2017-06,10.00,no", "X-2,123-45-6789,Bad Account,health,2017-06,10.00,no", "X-3,712399992,Bad Amount,health,2017-06,ten,no", ""].join("\n"));
    const run = billpay(db.env, "invoices", "import", file);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.contain("1 created").and.contain("line 3 account_number").and.contain("line 4 amount_due");
    expect(run.stdout).to.not.contain("6789");
  });
});
