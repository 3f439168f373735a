import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { billpay, cliDatabase } from "../match/cli-support";
import { bankCsv, BILLING_SAMPLE, INVOICE_HEADER } from "../match/remittance-files";

interface ImportJson {
  created: number;
  updated: number;
  unchanged: number;
  match: {
    considered: number;
    reconsidered: number;
    decided: number;
    exceptionsOpened: number;
    byOutcome: Record<string, number>;
  } | null;
}

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "billpay-inv-")), name);
  writeFileSync(file, text);
  return file;
}

describe("billpay invoices import", () => {
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  before(async () => (db = await cliDatabase()));
  after(async () => db?.close());

  it("imports the sample billing data, then finds nothing to change the second time", () => {
    const first = billpay(db.env, "invoices", "import", BILLING_SAMPLE, "--json");
    expect(first.code, first.stderr).to.equal(0);
    const created = (JSON.parse(first.stdout) as ImportJson).created;
    expect(created).to.be.greaterThan(50);
    const second = billpay(db.env, "invoices", "import", BILLING_SAMPLE, "--json");
    expect(JSON.parse(second.stdout)).to.include({ created: 0, updated: 0, unchanged: created });
  });

  it("reports bad rows with their line and field, writes nothing and exits 2; --skip-bad-rows imports the good ones", () => {
    const file = tempFile(
      "bad.csv",
      [
        INVOICE_HEADER,
        "X-1,712399991,Good Row,health,2017-06,10.00,no",
        "X-2,123-45-6789,Bad Account,health,2017-06,10.00,no",
        "X-3,712399992,Bad Amount,health,2017-06,ten,no",
        "",
      ].join("\n"),
    );
    const run = billpay(db.env, "invoices", "import", file);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stdout).to.contain("3 rows: 0 created, 0 updated, 0 unchanged, 2 refused");
    expect(run.stdout).to.contain("line 3 account_number").and.contain("line 4 amount_due");
    expect(run.stdout).to.contain("nothing written");
    expect(run.stdout).to.not.contain("6789");

    const skipped = billpay(db.env, "invoices", "import", file, "--skip-bad-rows");
    expect(skipped.code, skipped.stderr).to.equal(2);
    expect(skipped.stdout).to.contain("3 rows: 1 created, 0 updated, 0 unchanged, 2 refused");
    expect(skipped.stdout).to.contain("line 3 account_number").and.contain("line 4 amount_due");
    expect(skipped.stdout).to.not.contain("nothing written");
    const again = JSON.parse(
      billpay(db.env, "invoices", "import", file, "--skip-bad-rows", "--json").stdout,
    ) as ImportJson;
    expect(again).to.include({ created: 0, updated: 0, unchanged: 1 });
  });
});

describe("billpay invoices import, then matching", () => {
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  const known = "K-04,712345678,Ana Rivera,health,2017-04,412.50,no";
  const first = tempFile("first.csv", [INVOICE_HEADER, known, ""].join("\n"));
  const next = tempFile(
    "next.csv",
    [INVOICE_HEADER, known, "N-04,712340001,New Member,health,2017-04,200.00,yes", ""].join("\n"),
  );

  before(async () => {
    db = await cliDatabase();
    const payments = tempFile(
      "day1.csv",
      bankCsv("DAY1", "2017-03-20", [
        {
          id: "P1",
          sent: "2017-03-14",
          settled: "2017-03-20",
          amount: "412.50",
          account: "712345678",
          name: "Ana Rivera",
        },
        {
          id: "P2",
          sent: "2017-03-14",
          settled: "2017-03-20",
          amount: "200.00",
          account: "712340001",
          name: "New Member",
        },
      ]),
    );
    const ingest = billpay(db.env, "ingest-file", payments, "--aggregator", "bank-csv");
    expect(ingest.code, ingest.stderr).to.equal(0);
  });
  after(async () => db?.close());

  it("with --no-match imports only and leaves the waiting payments for billpay match", () => {
    const run = billpay(db.env, "invoices", "import", first, "--no-match");
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("1 created").and.contain("run `billpay match`").and.not.contain("matching:");
    const matched = JSON.parse(billpay(db.env, "match", "--json").stdout) as NonNullable<ImportJson["match"]>;
    expect(matched).to.include({ considered: 2, decided: 2, reconsidered: 0 });
    expect(matched.byOutcome).to.deep.equal({ matched: 1, unknown_account: 1 });
  });

  it("a payment to an account that was not on file matches once its invoice is imported, and the import prints the match summary", () => {
    const run = billpay(db.env, "invoices", "import", next);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("1 created, 0 updated, 1 unchanged");
    expect(run.stdout).to.contain(
      "matching: 1 considered (1 unknown_account now on file): 1 decided [matched 1], 0 waiting, 0 exceptions opened",
    );
    const queue = JSON.parse(billpay(db.env, "exceptions", "list", "--all", "--json").stdout) as {
      reason: string;
      status: string;
      resolution: string | null;
    }[];
    expect(queue.map((e) => [e.reason, e.status, e.resolution])).to.deep.equal([
      ["unknown_account", "resolved", "invoice_arrived"],
    ]);
  });

  it("importing and matching twice changes nothing", () => {
    const again = JSON.parse(billpay(db.env, "invoices", "import", next, "--json").stdout) as ImportJson;
    expect(again).to.include({ created: 0, updated: 0, unchanged: 2 });
    expect(again.match).to.deep.equal({
      considered: 0,
      reconsidered: 0,
      repaired: 0,
      decided: 0,
      waiting: 0,
      exceptionsOpened: 0,
      byOutcome: {},
    });
  });
});
