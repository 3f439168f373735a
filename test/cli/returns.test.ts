import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { billpay, seededCliDatabase } from "../match/cli-support";

interface Listed {
  id: number;
  reason: string;
  paymentId: string;
  returnBy: string | null;
}

describe("billpay exceptions resolve --action return, and billpay returns build / send", () => {
  let db: Awaited<ReturnType<typeof seededCliDatabase>>;
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-returns-cli-"));
  before(async () => (db = await seededCliDatabase(["rpps/normal-day.ach"])));
  after(async () => db?.close());

  it("shows the return-by day of unidentified payments in the queue", () => {
    const table = billpay(db.env, "exceptions", "list");
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.contain("RETURN BY");
    const listed = JSON.parse(billpay(db.env, "exceptions", "list", "--json").stdout) as Listed[];
    const invalid = listed.filter((e) => e.reason === "invalid_account");
    expect(invalid.length).to.be.greaterThan(0);
    for (const e of invalid) expect(e.returnBy).to.match(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("resolves an exception as a return, refusing a reason the policy does not name", () => {
    const [e] = JSON.parse(
      billpay(db.env, "exceptions", "list", "--reason", "invalid_account", "--json").stdout,
    ) as Listed[];
    const args = [
      "exceptions",
      "resolve",
      String(e.id),
      "--action",
      "return",
      "--note",
      "no such member",
      "--by",
      "jdoe",
    ];
    const bad = billpay(db.env, ...args, "--reason", "R01");
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("R21, R22, R23, R24");
    const run = billpay(db.env, ...args, "--reason", "R22");
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`exception ${e.id} resolved: return R22`);
  });

  it("builds a return file once, written to --out with 94-character records in blocks of 10", () => {
    const out = path.join(dir, "returns.ach");
    const run = billpay(
      db.env,
      "returns",
      "build",
      "--aggregator",
      "rpps",
      "--date",
      "2030-01-02",
      "--out",
      out,
      "--json",
    );
    expect(run.code, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout) as { collected: number; file: { name: string; entries: number } };
    expect(result.file.name).to.equal("RET-rpps-20300102-1.ach");
    expect(result.file.entries).to.equal(result.collected + 1);
    const lines = readFileSync(out, "latin1").replace(/\n$/, "").split("\n");
    expect(lines.every((l) => l.length === 94)).to.equal(true);
    expect(lines.length % 10).to.equal(0);
    const again = billpay(db.env, "returns", "build", "--aggregator", "rpps", "--date", "2030-01-02");
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain("nothing to return for rpps");
  });

  it("refuses to send for an aggregator whose source has no outboundDir, with exit 2", () => {
    const config = path.join(dir, "billpay.json");
    const source = { type: "local", dir, archiveDir: "leave" };
    writeFileSync(config, JSON.stringify({ aggregators: { rpps: { mapping: "mappings/rpps.yaml", source } } }));
    const run = billpay(db.env, "returns", "send", "--config", config, "--aggregator", "rpps");
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("outboundDir");
  });
});
