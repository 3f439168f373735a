import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkAccount } from "../../src/rules/account";
import { DEFAULT_PAYEE_POLICY } from "../../src/rules/payee-policy-defaults";
import { seededCliDatabase } from "../match/cli-support";
import { runBillpay } from "./run-billpay";

describe("cli masks", function () {
  this.timeout(180_000);

  it("export prints the policy's masks and check-digit rule, as text and as JSON", () => {
    const text = runBillpay(["masks", "export", "--aggregator", "rpps"]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.include("MASK 7######## LENGTH 9").and.include("CHECK-DIGIT NONE");
    const json = runBillpay(["masks", "export", "--aggregator", "rpps", "--format", "json"]);
    const r = JSON.parse(json.stdout) as { masks: { mask: string }[]; checkDigit: { routine: string } };
    // What is registered is what the product itself checks: every mask accepts a number of its form.
    for (const { mask } of r.masks) {
      const example = mask.replace(/#/g, "1");
      expect(checkAccount(example, DEFAULT_PAYEE_POLICY).status).to.equal("valid");
    }
    expect(r.checkDigit.routine).to.equal(DEFAULT_PAYEE_POLICY.checkDigit);
  });

  it("export refuses an unknown aggregator and an unknown format with exit code 2", () => {
    expect(runBillpay(["masks", "export", "--aggregator", "nope"]).code).to.equal(2);
    const r = runBillpay(["masks", "export", "--aggregator", "rpps", "--format", "xml"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("--format");
  });

  describe("replay on the samples", () => {
    let db: Awaited<ReturnType<typeof seededCliDatabase>>;
    before(async () => (db = await seededCliDatabase(["rpps/normal-day.ach", "bank-csv/day-20170320.csv"])));
    after(async () => db?.close());

    it("reads a candidate policy file and says what it would stop and refuse", () => {
      const dir = mkdtempSync(path.join(tmpdir(), "billpay-masks-"));
      const policy = path.join(dir, "candidate.yaml");
      writeFileSync(policy, 'masks: ["7999#####"]\ncheckDigit: none\n');
      const r = runBillpay(
        ["masks", "replay", "--from", "2000-01-01", "--to", "2099-12-31", "--policy", policy, "--json"],
        db.env,
      );
      expect(r.code, r.stderr).to.equal(0);
      const out = JSON.parse(r.stdout) as {
        policy: { masks: string[] };
        stopped: unknown[];
        wronglyRefused: unknown[];
      };
      expect(out.policy.masks).to.deep.equal(["7999#####"]);
      expect(out.stopped.length).to.be.greaterThan(0);
      expect(out.wronglyRefused.length).to.be.greaterThan(0);
      const text = runBillpay(["masks", "replay", "--from", "2000-01-01", "--to", "2099-12-31"], db.env);
      expect(text.stdout).to.match(
        /exceptions would have been stopped at the bank; \d+ would still arrive; 0 good payments/,
      );
    });

    it("a bad policy file or date range exits 2 naming the problem", () => {
      const dir = mkdtempSync(path.join(tmpdir(), "billpay-masks-"));
      const policy = path.join(dir, "bad.yaml");
      writeFileSync(policy, "checkDigit: mod97\n");
      const bad = runBillpay(
        ["masks", "replay", "--from", "2000-01-01", "--to", "2001-01-01", "--policy", policy],
        db.env,
      );
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include("bad.yaml").and.include("checkDigit");
      const backwards = runBillpay(["masks", "replay", "--from", "2001-01-01", "--to", "2000-01-01"], db.env);
      expect(backwards.code).to.equal(2);
    });
  });
});
