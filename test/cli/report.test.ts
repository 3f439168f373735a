import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { billpay, seededCliDatabase } from "../match/cli-support";

describe("billpay report", () => {
  let db: Awaited<ReturnType<typeof seededCliDatabase>>;
  before(async () => (db = await seededCliDatabase(["bank-csv/day-20170320.csv", "camt053/statement-v08.xml"])));
  after(async () => db?.close());

  it("prints the table by default and CSV or JSON on request", () => {
    const table = billpay(db.env, "report", "--from", "2017-03-01", "--to", "2017-03-31");
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.contain("day-20170320.csv").and.contain("AUTO-MATCH RATE");
    const csv = billpay(db.env, "report", "--from", "2017-03-01", "--to", "2017-03-31", "--format", "csv");
    expect(csv.stdout.split("\r\n")[0]).to.match(/^section,day,file/);
    const json = JSON.parse(
      billpay(db.env, "report", "--from", "2017-03-01", "--to", "2017-03-31", "--format", "json").stdout,
    ) as { bank: { pairedBy: string; differenceCents: number }[] };
    expect(json.bank.find((b) => b.pairedBy === "reference")?.differenceCents).to.equal(0);
  });

  it("writes the HTML report to a file with --out", () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "billpay-report-")), "march.html");
    const run = billpay(
      db.env,
      "report",
      "--from",
      "2017-03-01",
      "--to",
      "2017-03-31",
      "--format",
      "html",
      "--out",
      out,
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(existsSync(out)).to.equal(true);
    expect(readFileSync(out, "utf8")).to.contain("Bill-pay reconciliation").and.contain("<svg");
  });

  it("refuses a date that is not YYYY-MM-DD", () => {
    const run = billpay(db.env, "report", "--from", "03/01/2017", "--to", "2017-03-31");
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain("--from must be a date");
  });
});
