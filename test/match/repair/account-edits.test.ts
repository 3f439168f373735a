import { expect } from "chai";
import fc from "fast-check";
import { deletionKeys, describeEdit, editBetween } from "../../../src/match/repair/account-edits";

/** Optimal-string-alignment distance by the textbook table, to hold the direct checks to. */
function osaDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i ? (j ? 0 : i) : j)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(..."0123456789"), { minLength: min, maxLength: max }).map((a) => a.join(""));

/** An account and a slip of it: all four kinds, at any position. */
const slipped = digits(9, 9).chain((account) =>
  fc.record({
    account: fc.constant(account),
    typed: fc.oneof(
      fc
        .tuple(fc.nat(8), fc.constantFrom(..."0123456789"))
        .map(([i, c]) => account.slice(0, i) + c + account.slice(i + 1)),
      fc.nat(7).map((i) => account.slice(0, i) + account[i + 1] + account[i] + account.slice(i + 2)),
      fc.nat(8).map((i) => account.slice(0, i) + account.slice(i + 1)),
      fc.tuple(fc.nat(9), fc.constantFrom(..."0123456789")).map(([i, c]) => account.slice(0, i) + c + account.slice(i)),
    ),
  }),
);

describe("repair: one-keystroke slips in account numbers", () => {
  it("finds an edit exactly when the distance is 1 (against the textbook table)", () => {
    fc.assert(
      fc.property(digits(7, 11), digits(9, 9), (typed, account) => {
        expect(editBetween(typed, account) !== null).to.equal(osaDistance(typed, account) === 1);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(slipped, ({ typed, account }) => {
        expect(editBetween(typed, account) !== null).to.equal(osaDistance(typed, account) === 1);
      }),
      { numRuns: 3000 },
    );
  });

  it("a slip always shares a deletion key with its account, or is one of its keys (what the index looks up)", () => {
    fc.assert(
      fc.property(slipped, ({ typed, account }) => {
        if (typed === account) return;
        const keys = new Set(deletionKeys(account));
        const typedKeys = deletionKeys(typed);
        const found = keys.has(typed) || typedKeys.includes(account) || typedKeys.some((k) => keys.has(k));
        expect(found, `${typed} from ${account}`).to.equal(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("names the kind and the position, without the digits", () => {
    expect(editBetween("712345687", "712345678")).to.deep.equal({ edit: "transposition", position: 8 });
    expect(editBetween("712345670", "712345678")).to.deep.equal({ edit: "substitution", position: 9 });
    expect(editBetween("71234567", "712345678")).to.deep.equal({ edit: "dropped_digit", position: 9 });
    expect(editBetween("7123456789", "712345678")).to.deep.equal({ edit: "added_digit", position: 10 });
    expect(editBetween("712345678", "712345678")).to.equal(null);
    expect(editBetween("721345687", "712345678")).to.equal(null);
    const text = describeEdit({ edit: "transposition", position: 8 });
    expect(text).to.equal("two neighbouring digits are swapped (positions 8 and 9)");
    expect(text).not.to.match(/\d{3}/);
  });
});
