import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MAPPINGS_DIR, SAMPLES_DIR } from "../../src/paths";
import { runBillpay } from "./run-billpay";

const BANK = path.join(MAPPINGS_DIR, "bank-csv.yaml");
const FIXED = path.join(MAPPINGS_DIR, "checkfree-fixed.yaml");
const sample = (agg: string, name: string) => path.join(SAMPLES_DIR, agg, name);

describe("billpay mapping check", () => {
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "billpay-mapping-check-"));
    // A data folder that must never be created: the check does not touch the database.
    env = { ...process.env, BILLPAY_DATA_DIR: path.join(work, "data-never-created") };
    delete env.DATABASE_URL;
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("prints a clean sample's payments as a table with its control line, exits 0 and creates no database", () => {
    const r = runBillpay(["mapping", "check", BANK, sample("bank-csv", "day-20170320.csv")], env);
    expect(r.code, r.stderr).to.equal(0);
    const rows = r.stdout.split("\n").filter((l) => /^\s+\d+\s+(payment|reversal|return)\s/.test(l));
    expect(rows).to.have.length(13);
    expect(r.stdout).to.match(
      /control file \(line 16\): declared 13 records \$3,582\.85, parsed 13 records \$3,582\.85/,
    );
    expect(r.stdout).to.not.match(/^error/m);
    expect(existsSync(env.BILLPAY_DATA_DIR as string)).to.equal(false);
  });

  it("never prints an SSN typed as the account number", () => {
    const r = runBillpay(["mapping", "check", BANK, sample("bank-csv", "day-20170320.csv")], env);
    expect(r.stdout + r.stderr).to.not.include("078-05-1120");
    expect(r.stdout).to.include("ssn_suspected");
  });

  it("names the line and field of a bad date and exits 2", () => {
    const r = runBillpay(["mapping", "check", BANK, sample("bank-csv", "broken-date.csv")], env);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.include('error line 8, initiatedOn: column "Send Date": "02/30/2017" is not a date');
  });

  it("--json gives the payments read so far and every error with line and field for a truncated file", () => {
    const r = runBillpay(["mapping", "check", FIXED, sample("checkfree-fixed", "broken-truncated.txt"), "--json"], env);
    expect(r.code).to.equal(2);
    const out = JSON.parse(r.stdout) as {
      status: string;
      payments: unknown[];
      errors: { code: string; line: number; field: string | null }[];
    };
    expect(out.status).to.equal("rejected");
    expect(out.payments).to.have.length(8);
    expect(out.errors.map((e) => [e.code, e.line])).to.deep.equal([
      ["bad_record_length", 10],
      ["missing_trailer", 10],
    ]);
  });

  it("reports a trailer whose total disagrees with the details at the trailer's line and field", () => {
    const r = runBillpay(
      ["mapping", "check", FIXED, sample("checkfree-fixed", "broken-trailer-total.txt"), "--json"],
      env,
    );
    const out = JSON.parse(r.stdout) as { errors: { code: string; line: number; field: string }[] };
    expect(out.errors).to.deep.include({
      code: "control_total_mismatch",
      line: 15,
      field: "trailer.total",
      message: "the trailer declares a net total of 358185 cents; the details sum to 358285 cents",
    });
  });

  it("rejects an invalid mapping naming the file and key, and exits 2", () => {
    const bad = path.join(work, "bad.yaml");
    writeFileSync(
      bad,
      "version: 1\nadapter: csv\ndetail:\n  amount: { column: 3, style: euros }\n  accountRaw: { column: 2 }\n",
    );
    const r = runBillpay(["mapping", "check", bad, sample("bank-csv", "day-20170320.csv")], env);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("bad.yaml is not valid");
    expect(r.stderr).to.include("detail.amount.style");
  });
});
