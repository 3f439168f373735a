import { expect } from "chai";
import { redact, redactText } from "../src/log";
import { maskDigits } from "../src/rules/account/mask-digits";

const ACCOUNT = "712345678";
const SSN = "123-45-6789";

describe("log redaction", () => {
  it("masks an SSN typed with dashes to its last 4 digits", () => {
    expect(redactText("account 123-45-6789 rejected")).to.equal("account *****6789 rejected");
  });

  it("masks account numbers typed with blanks or dashes", () => {
    expect(redactText("got 7123-456-78 and 7 1234 5678")).to.equal("got *****5678 and *****5678");
    expect(redactText("id 712345678")).to.equal("id *****5678");
    expect(redactText("typed 7123-45-6789, 71234567 or 7123456789.")).to.equal(
      "typed *****6789, *****4567 or *****6789.",
    );
  });

  it("leaves short numbers such as counts, years and line numbers alone", () => {
    expect(redactText("line 42 of 2026-11-27: 25 entries")).to.equal("line 42 of 2026-11-27: 25 entries");
  });

  // Each identifier an operator searches logs for, beside an account number and an SSN: the
  // identifier stays whole, the account and the SSN keep their last 4 digits only.
  const IDENTIFIERS: [string, string][] = [
    ["a file id (UUID)", "cb2084ef-899b-4f3a-b472-13472b80213b"],
    ["a UUID whose groups are all digits", "12345678-1234-4234-8234-123456789012"],
    ["a trace number", "091000019876543"],
    ["a timestamp", "2026-12-02T15:53:07.459Z"],
    ["a date", "2026-11-27"],
    ["a file name with a date", "billed-20261202.ach"],
    ["a file named by digits", "20170320.csv"],
    ["an aggregator with digits", "bench-15863"],
    ["a file name with an account-length number", "day_712340001.csv"],
  ];
  for (const [kind, id] of IDENTIFIERS) {
    it(`keeps ${kind} whole next to an account and an SSN`, () => {
      const line = redactText(`file ${id}: account ${ACCOUNT}, payer typed ${SSN} (${id})`);
      expect(line).to.equal(`file ${id}: account *****5678, payer typed *****6789 (${id})`);
      const fields = JSON.stringify(redact({ fileId: id, accountNumber: ACCOUNT, note: `ssn ${SSN}` }));
      expect(fields).to.include(id).and.include("*****5678").and.include("*****6789");
      expect(fields).not.to.include(ACCOUNT).and.not.include(SSN);
    });
  }

  it("masks fields named for an account or SSN whatever their shape, and measures never", () => {
    const out = redact({
      accountRaw: "7123 4567 8",
      ssn: 123456789,
      account: 71234567,
      considered: 1000000,
      payments: 123456789,
      other: 987654321,
    });
    expect(out).to.deep.equal({
      accountRaw: "*****5678",
      ssn: "*****6789",
      account: "*****4567",
      considered: 1000000,
      payments: 123456789,
      other: "*****4321",
    });
  });

  it("walks nested fields, arrays and errors", () => {
    const out = redact({ a: ["712345678"], b: { c: 123456789 }, e: new Error("bad 123-45-6789") }) as Record<
      string,
      unknown
    >;
    const text = JSON.stringify(out);
    expect(text).not.to.match(/712345678|123456789|123-45-6789/);
    expect(text).to.include(maskDigits("6789"));
  });
});
