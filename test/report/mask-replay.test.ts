import { expect } from "chai";
import { replayMasks, type ReplayCount } from "../../src/report/mask-replay";
import { DEFAULT_PAYEE_POLICY } from "../../src/rules/payee-policy-defaults";
import { freshDatabase, type TestDatabase } from "../support/database";
import { loadSamples } from "./support";

const RANGE = { from: "2000-01-01", to: "2099-12-31" };

/** The stored verdict and the candidate's acceptance in SQL, written apart from the code under test. */
function sqlGroups(maskRegex: string): string {
  return `
    WITH p AS (
      SELECT aggregator, amount_cents,
             CASE WHEN account_status IN ('invalid_format', 'check_digit_failed', 'ssn_suspected') THEN account_status
                  WHEN match_status = 'unknown_account' OR account_status = 'unknown_account' THEN 'unknown_account'
                  ELSE 'good' END AS stored,
             coalesce(regexp_replace(account_raw, '[[:space:]-]', '', 'g'), '') ~ '${maskRegex}'
               AND coalesce(account_raw, '') !~ '(^|[^0-9])[0-9]{3}-[0-9]{2}-[0-9]{4}([^0-9]|$)' AS accepted
        FROM payments
       WHERE kind = 'payment' AND status = 'active' AND settled_on BETWEEN $1 AND $2)
    SELECT CASE WHEN stored = 'good' THEN 'wronglyRefused' WHEN accepted THEN 'passed' ELSE 'stopped' END AS grp,
           aggregator, stored AS reason, count(*)::int AS payments, sum(amount_cents)::int AS cents
      FROM p WHERE NOT (stored = 'good' AND accepted)
     GROUP BY 1, 2, 3 ORDER BY 2, 3`;
}

const withoutReason = (rows: ReplayCount[]) =>
  rows.map(({ aggregator, payments, cents }) => ({ aggregator, payments, cents }));

describe("masks replay: stored payments through a candidate policy", function () {
  this.timeout(120_000);
  let t: TestDatabase;
  before(async () => {
    t = await freshDatabase();
    await loadSamples(t);
  });
  after(async () => t?.close());

  for (const [masks, regex] of [
    [["7########"], "^7[0-9]{8}$"],
    [["71#######"], "^71[0-9]{7}$"],
  ] as const) {
    it(`with masks ${masks.join(", ")}, counts equal what SQL over the same payments gives`, async () => {
      const replay = await replayMasks(t.db, RANGE, { ...DEFAULT_PAYEE_POLICY, masks: [...masks] });
      const rows = (await t.db.query(sqlGroups(regex), [RANGE.from, RANGE.to])) as (ReplayCount & { grp: string })[];
      const group = (g: string) => rows.filter((r) => r.grp === g).map(({ grp: _, ...c }) => c);
      expect(replay.stopped).to.deep.equal(group("stopped"));
      expect(replay.passed).to.deep.equal(group("passed"));
      // SQL has no candidate reason for a refusal; the counts by aggregator must still agree.
      expect(withoutReason(replay.wronglyRefused)).to.deep.equal(withoutReason(group("wronglyRefused")));
      expect(replay.stopped.length, "the samples hold exceptions the masks stop").to.be.greaterThan(0);
    });
  }

  it("a stricter mask refuses good payments, each with the candidate's reason", async () => {
    const strict = await replayMasks(t.db, RANGE, { ...DEFAULT_PAYEE_POLICY, masks: ["71#######"] });
    const loose = await replayMasks(t.db, RANGE, DEFAULT_PAYEE_POLICY);
    expect(loose.wronglyRefused).to.deep.equal([]);
    expect(strict.wronglyRefused.length).to.be.greaterThan(0);
    expect(strict.wronglyRefused.map((c) => c.reason)).to.satisfy((r: string[]) =>
      r.every((x) => x === "invalid_format"),
    );
  });

  it("only payments settled in the range are replayed", async () => {
    const all = await replayMasks(t.db, RANGE, DEFAULT_PAYEE_POLICY);
    const none = await replayMasks(t.db, { from: "1990-01-01", to: "1990-12-31" }, DEFAULT_PAYEE_POLICY);
    expect(all.replayed).to.be.greaterThan(0);
    expect(none).to.deep.include({ replayed: 0, stopped: [], passed: [], wronglyRefused: [] });
  });
});
