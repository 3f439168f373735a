import { expect } from "chai";
import { parsePayeePolicy } from "../../src/config/payee-policy";
import { DEFAULT_PAYEE_POLICY } from "../../src/rules/payee-policy-defaults";
import { ConfigError } from "../../src/config/zod-errors";

function errorFor(input: unknown): string {
  try {
    parsePayeePolicy(input, "config/payee.yaml");
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the policy to be refused");
}

describe("config/payee-policy", () => {
  it("defaults to the MA Health Connector's rules", () => {
    expect(parsePayeePolicy(undefined)).to.deep.equal(DEFAULT_PAYEE_POLICY);
    expect(DEFAULT_PAYEE_POLICY).to.include({ checkDigit: "none", dayCounting: "calendar" });
    expect(DEFAULT_PAYEE_POLICY.masks).to.deep.equal(["7########"]);
    expect(DEFAULT_PAYEE_POLICY.leadWindow).to.deep.equal({ min: 3, max: 5 });
  });

  it("keeps what the configuration sets and fills in the rest", () => {
    const p = parsePayeePolicy({ dayCounting: "banking", checkDigit: "mod11" });
    expect(p).to.include({ dayCounting: "banking", checkDigit: "mod11", name: "MA Health Connector" });
  });

  it("a bad value is refused with an error that names the file and the key", () => {
    const message = errorFor({ dayCounting: "weekly" });
    expect(message).to.include("config/payee.yaml");
    expect(message).to.match(/dayCounting: .*calendar.*banking/);
  });

  it("a bad nested value names the nested key", () => {
    expect(errorFor({ leadWindow: { min: 6, max: 5 } })).to.include("leadWindow.min: must not exceed leadWindow.max");
    expect(errorFor({ leadWindow: { min: -1, max: 5 } })).to.include("leadWindow.min:");
    expect(errorFor({ masks: [] })).to.include("masks:");
  });

  it("an unknown key is refused by name, so a typo does not pass silently", () => {
    expect(errorFor({ dayCouting: "banking" })).to.include('"dayCouting"');
  });

  it("auto-apply of repair suggestions is off unless set, and its threshold is a score from 0 to 1", () => {
    expect(parsePayeePolicy(undefined).repair).to.equal(undefined);
    expect(parsePayeePolicy({ repair: { autoApplyAbove: 0.85 } }).repair).to.deep.equal({ autoApplyAbove: 0.85 });
    expect(errorFor({ repair: { autoApplyAbove: 1.5 } })).to.include("repair.autoApplyAbove:");
    expect(errorFor({ repair: { autoApplyabove: 0.8 } })).to.include('"autoApplyabove"');
  });
});
