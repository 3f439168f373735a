import { expect } from "chai";
import fc from "fast-check";
import { changedFields, sameJson } from "../../src/match/audit-log";

describe("audit changes: which fields a change touches", () => {
  it("sameJson agrees with comparing JSON texts, for any JSON-like values (key order and undefined included)", () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.constant(null),
        fc.constant(undefined),
        fc.boolean(),
        fc.integer(),
        fc.string({ maxLength: 3 }),
      ),
      node: fc.oneof(
        { depthSize: "small" },
        tie("leaf"),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom("a", "b", "code"), tie("node"), { maxKeys: 3 }),
      ),
    })).node;
    // Pairs that are often alike: a value against itself rebuilt, and against another.
    const pair = fc.oneof(
      value.map(
        (v) => [v, v === undefined ? undefined : (JSON.parse(JSON.stringify(v) ?? "null") as unknown)] as const,
      ),
      fc.tuple(value, value),
    );
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const both = a !== undefined && b !== undefined;
        if (both) expect(sameJson(a, b)).to.equal(JSON.stringify(a) === JSON.stringify(b));
      }),
      { numRuns: 2000 },
    );
  });

  it("changedFields names each changed field by its column and leaves equal ones out", () => {
    const findings = [{ code: "late", message: "after the 23rd" }];
    const before = { matchStatus: "unmatched", timingStatus: "late", findings, leadDays: 3 };
    const after = {
      matchStatus: "matched",
      timingStatus: "late",
      findings: [{ code: "late", message: "after the 23rd" }],
    };
    expect(changedFields(before, after, { matchStatus: "match_status", timingStatus: "timing_status" })).to.deep.equal({
      before: { match_status: "unmatched" },
      after: { match_status: "matched" },
    });
    expect(changedFields(before, { leadDays: 3, findings })).to.equal(null);
    expect(changedFields(before, { findings: [] })).to.deep.equal({ before: { findings }, after: { findings: [] } });
  });
});
