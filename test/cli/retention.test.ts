import { expect } from "chai";
import { billpay, seededCliDatabase } from "../match/cli-support";

interface RetentionJson {
  today: string;
  dryRun: boolean;
  payments: number;
  cutoffs: { cutoff: string }[];
}

describe("billpay retention run --today", function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof seededCliDatabase>>;
  const run = (...args: string[]) => billpay(db.env, "retention", "run", "--json", ...args);
  before(async () => {
    db = await seededCliDatabase(["rpps/normal-day.ach"]);
  });
  after(async () => db?.close());

  it("a dry run may look ahead: ten years after the sample's 2024 payments, they would be cleared", () => {
    const r = run("--dry-run", "--today", "2035-06-01");
    expect(r.code, r.stderr).to.equal(0);
    const result = JSON.parse(r.stdout) as RetentionJson;
    expect(result).to.include({ today: "2035-06-01", dryRun: true });
    expect(result.cutoffs.map((c) => c.cutoff)).to.deep.equal(["2025-06-01"]);
    expect(result.payments).to.be.greaterThan(10);
  });

  it("a real run refuses a day after today, and takes an earlier one (which keeps more)", () => {
    const ahead = run("--today", "2999-01-01");
    expect(ahead.code).to.equal(2);
    expect(ahead.stderr).to.contain("only a --dry-run may look ahead");
    const behind = run("--today", "2020-01-01");
    expect(behind.code, behind.stderr).to.equal(0);
    expect(JSON.parse(behind.stdout)).to.include({ today: "2020-01-01", dryRun: false, payments: 0 });
  });

  it("refuses a day that is not one, with exit 2", () => {
    const r = run("--dry-run", "--today", "2030-13-01");
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("--today must be a date YYYY-MM-DD");
  });
});
