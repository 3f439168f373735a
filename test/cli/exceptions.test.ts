import { expect } from "chai";
import { billpay, seededCliDatabase } from "../match/cli-support";

interface Listed {
  id: number;
  reason: string;
  paymentId: string;
  amountCents: number;
}

describe("billpay exceptions and audit", () => {
  let db: Awaited<ReturnType<typeof seededCliDatabase>>;
  before(async () => (db = await seededCliDatabase(["bank-csv/day-20170320.csv"])));
  after(async () => db?.close());

  it("lists open exceptions by reason, as a table and as JSON", () => {
    const table = billpay(db.env, "exceptions", "list");
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.contain("combined_plans").and.contain("invalid_account").and.contain("$1,250.00");
    expect(table.stdout).to.not.match(/078-?05-?1120/); // an SSN typed as account shows its last 4 digits at most
    const json = JSON.parse(
      billpay(db.env, "exceptions", "list", "--reason", "combined_plans", "--json").stdout,
    ) as Listed[];
    expect(json.map((e) => e.reason)).to.deep.equal(["combined_plans"]);
  });

  it("resolves a combined payment by splitting it, and the payment's audit shows who did what", () => {
    const [e] = JSON.parse(
      billpay(db.env, "exceptions", "list", "--reason", "combined_plans", "--json").stdout,
    ) as Listed[];
    const run = billpay(
      db.env,
      "exceptions",
      "resolve",
      String(e.id),
      "--action",
      "apply-to",
      "INV-201704-0005,INV-201704-0004",
      "--note",
      "member asked to split",
      "--by",
      "jdoe",
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("$1,100.00 on INV-201704-0005").and.contain("$150.00 on INV-201704-0004");
    const audit = billpay(db.env, "audit", "payment", e.paymentId.slice(0, 8));
    expect(audit.code, audit.stderr).to.equal(0);
    const log = audit.stdout.slice(audit.stdout.indexOf("audit log:"), audit.stdout.indexOf("matching decisions:"));
    const byJdoe = log.split("\n").filter((l) => l.includes(" jdoe "));
    expect(byJdoe.map((l) => l.replace(/^.* jdoe (\w+) \w+ (\w+).*$/, "$1 $2"))).to.deep.equal([
      "invoice payment_applied",
      "invoice payment_applied",
      "payment matched",
      "exception resolved",
    ]);
    expect(audit.stdout).to.contain('match_status: "combined_plans" → "matched"').and.contain("member asked to split");
  });

  it("refuses to resolve the same exception twice, with exit 2", () => {
    const all = JSON.parse(billpay(db.env, "exceptions", "list", "--all", "--json").stdout) as (Listed & {
      status: string;
    })[];
    const done = all.find((e) => e.status === "resolved") as Listed;
    const run = billpay(
      db.env,
      "exceptions",
      "resolve",
      String(done.id),
      "--action",
      "refund",
      "--note",
      "again",
      "--by",
      "jdoe",
    );
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("already resolved");
  });
});
