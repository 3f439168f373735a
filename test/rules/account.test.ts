import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_PAYEE_POLICY } from "../../src/rules/payee-policy-defaults";
import {
  checkAccount,
  describeMasks,
  looksLikeSsn,
  luhnCheckDigit,
  matchesAnyMask,
  matchesMask,
  mod11CheckDigit,
  normalizeAccount,
  passesCheckDigit,
} from "../../src/rules/account";

const policy = DEFAULT_PAYEE_POLICY;

describe("rules/account", () => {
  describe("normalizeAccount", () => {
    it("drops blanks and dashes and nothing else", () => {
      expect(normalizeAccount(" 7123-456-78 ")).to.equal("712345678");
      expect(normalizeAccount("7 1 2\t3\u00a04-5-6–78")).to.equal("712345678");
      expect(normalizeAccount("71234567A")).to.equal("71234567A");
      expect(normalizeAccount("7.123.456.78")).to.equal("7.123.456.78");
    });

    it("is idempotent for any typed value", () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(..."0123456789 -–\t\u00a0Ab.") }), (raw) => {
          const once = normalizeAccount(raw);
          expect(normalizeAccount(once)).to.equal(once);
        }),
      );
    });

    it("never drops, adds or reorders a digit", () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(..."0123456789 -") }), (raw) => {
          expect(normalizeAccount(raw)).to.equal(raw.replace(/\D/g, ""));
        }),
      );
    });
  });

  describe("masks", () => {
    it("read # as a digit, * as a letter, @ as a letter or digit and anything else literally", () => {
      expect(matchesMask("712345678", "7########")).to.equal(true);
      expect(matchesMask("812345678", "7########")).to.equal(false);
      expect(matchesMask("AB-12", "**-##")).to.equal(true);
      expect(matchesMask("A1-12", "**-##")).to.equal(false);
      expect(matchesMask("A1x9", "@@@@")).to.equal(true);
      expect(matchesMask("A1x-", "@@@@")).to.equal(false);
    });

    it("require the length to match exactly", () => {
      expect(matchesMask("71234567", "7########")).to.equal(false);
      expect(matchesMask("7123456789", "7########")).to.equal(false);
    });

    it("accept a value that fits any one of several masks", () => {
      expect(matchesAnyMask("ZZ1234", ["7########", "**####"])).to.equal(true);
      expect(matchesAnyMask("ZZ123", ["7########", "**####"])).to.equal(false);
    });

    it("are described with a legend for the symbols they use", () => {
      expect(describeMasks(["7########"])).to.equal("7######## (# is a digit)");
      expect(describeMasks(["**-@@"])).to.equal("**-@@ (* a letter, @ a letter or digit)");
    });
  });

  describe("check digits", () => {
    it("computes the Luhn digit of well-known numbers", () => {
      expect(luhnCheckDigit("7992739871")).to.equal("3");
      expect(passesCheckDigit("79927398713", "luhn")).to.equal(true);
      expect(passesCheckDigit("79927398710", "luhn")).to.equal(false);
    });

    it("computes mod 11 with weights 2 to 10 from the right", () => {
      // 0-306-40615-?: ISBN-10 uses the same weights; its check digit is 2.
      expect(mod11CheckDigit("030640615")).to.equal("2");
      expect(passesCheckDigit("0306406152", "mod11")).to.equal(true);
      expect(passesCheckDigit("0306406153", "mod11")).to.equal(false);
    });

    it("treats a mod 11 remainder of 10 as no possible digit", () => {
      expect(mod11CheckDigit("00000000")).to.equal("0");
      const payload = "50000000"; // weights from the right: the 5 sits at weight 9 → sum 45 → 45 mod 11 = 1 → 10
      expect(mod11CheckDigit(payload)).to.equal(null);
      for (const d of "0123456789") expect(passesCheckDigit(payload + d, "mod11")).to.equal(false);
    });

    it("none accepts every value", () => {
      expect(passesCheckDigit("712345678", "none")).to.equal(true);
    });

    const changedDigit = fc
      .tuple(
        fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 18 }),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
      )
      .map(([payload, at, delta]) => ({ payload, at, delta }));

    it("a Luhn-valid number with any single digit changed fails", () => {
      fc.assert(
        fc.property(changedDigit, ({ payload, at, delta }) => {
          const valid = payload + luhnCheckDigit(payload);
          expect(passesCheckDigit(valid, "luhn")).to.equal(true);
          const i = at % valid.length;
          const changed = valid.slice(0, i) + String((Number(valid[i]) + delta) % 10) + valid.slice(i + 1);
          expect(passesCheckDigit(changed, "luhn")).to.equal(false);
        }),
      );
    });

    it("a mod-11-valid number with any single digit changed fails", () => {
      fc.assert(
        fc.property(changedDigit, ({ payload, at, delta }) => {
          const check = mod11CheckDigit(payload);
          fc.pre(check !== null);
          const valid = payload + check;
          const i = at % valid.length;
          const changed = valid.slice(0, i) + String((Number(valid[i]) + delta) % 10) + valid.slice(i + 1);
          expect(passesCheckDigit(changed, "mod11")).to.equal(false);
        }),
      );
    });
  });

  describe("SSN detection", () => {
    const table: [string, string, boolean][] = [
      ["written NNN-NN-NNNN", "123-45-6789", true],
      ["9 digits not beginning with 7", "123456789", true],
      ["9 digits split by blanks", " 123 45 6789 ", true],
      ["9 digits behind letters", "SSN123456789", true],
      ["written NNN-NN-NNNN even when it begins with 7", "712-34-5678", true],
      ["9 digits beginning with 7", "712345678", false],
      ["a dashed account number beginning with 7", "7123-456-78", false],
      ["8 digits", "12345678", false],
      ["10 digits", "1234567890", false],
    ];
    for (const [shape, value, expected] of table) {
      it(`${expected ? "flags" : "does not flag"} ${shape}`, () => {
        expect(looksLikeSsn(value)).to.equal(expected);
      });
    }
  });

  describe("checkAccount", () => {
    it("a clean 9-digit number beginning with 7 is valid", () => {
      const r = checkAccount("712345678", policy);
      expect(r).to.include({ status: "valid", accountNumber: "712345678", accountRaw: "712345678" });
      expect(r.findings).to.deep.equal([]);
    });

    it("a number that needed blanks or dashes removed is repaired, and the raw value is kept as typed", () => {
      const r = checkAccount(" 7123-456-78", policy);
      expect(r).to.include({ status: "repaired", accountNumber: "712345678", accountRaw: " 7123-456-78" });
      expect(r.findings.map((f) => f.code)).to.deep.equal(["account_repaired"]);
    });

    it("a missing or extra digit is invalid_format and no digit is invented", () => {
      for (const raw of ["71234567", "7123456789", "7123-456-7"]) {
        const r = checkAccount(raw, policy);
        expect(r.status).to.equal("invalid_format");
        expect(r.accountNumber).to.equal(null);
      }
    });

    it("an empty or missing value is invalid_format", () => {
      expect(checkAccount(null, policy).status).to.equal("invalid_format");
      expect(checkAccount("  - ", policy).status).to.equal("invalid_format");
    });

    it("an SSN-like value is ssn_suspected and only its last 4 digits are kept", () => {
      const r = checkAccount("123-45-6789", policy);
      expect(r).to.include({ status: "ssn_suspected", accountNumber: null, accountRaw: "*****6789" });
      expect(JSON.stringify(r)).not.to.match(/12345|123-45/);
    });

    it("a number failing the payee's check digit is check_digit_failed", () => {
      const payload = "71234567";
      const good = payload + luhnCheckDigit(payload);
      const bad = payload + String((Number(luhnCheckDigit(payload)) + 1) % 10);
      expect(checkAccount(good, { ...policy, checkDigit: "luhn" }).status).to.equal("valid");
      const r = checkAccount(bad, { ...policy, checkDigit: "luhn" });
      expect(r.status).to.equal("check_digit_failed");
      expect(r.accountNumber).to.equal(null);
    });

    it("a valid form that billing data does not know is unknown_account, and only when billing data says so", () => {
      expect(checkAccount("712345678", policy, { knownAccount: false }).status).to.equal("unknown_account");
      expect(checkAccount("712345678", policy, { knownAccount: null }).status).to.equal("valid");
      expect(checkAccount("712345678", policy, { knownAccount: true }).status).to.equal("valid");
      expect(checkAccount("123456789", policy, { knownAccount: false }).status).to.equal("ssn_suspected");
    });

    it("reasons never contain the account digits", () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(..."0123456789- "), minLength: 1, maxLength: 14 }), (raw) => {
          const r = checkAccount(raw, policy);
          const digits = raw.replace(/\D/g, "");
          const text = [r.reason, ...r.findings.map((f) => f.message)].join(" ");
          if (digits.length >= 3) expect(text).not.to.include(digits);
        }),
      );
    });

    it("no SSN-like value survives into the result", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 699_999_999 }).map((n) => String(n).padStart(9, "0")),
          (ssn) => {
            fc.pre(ssn[0] !== "7");
            for (const typed of [ssn, `${ssn.slice(0, 3)}-${ssn.slice(3, 5)}-${ssn.slice(5)}`]) {
              const text = JSON.stringify(checkAccount(typed, policy));
              expect(text).not.to.include(ssn.slice(0, 5));
            }
          },
        ),
      );
    });
  });
});
