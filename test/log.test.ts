import { expect } from "chai";
import { redact, redactText } from "../src/log";
import { maskDigits } from "../src/rules/account/mask-digits";

describe("log redaction", () => {
  it("masks an SSN typed with dashes to its last 4 digits", () => {
    expect(redactText("account 123-45-6789 rejected")).to.equal("account *****6789 rejected");
  });

  it("masks account numbers typed with blanks or dashes", () => {
    expect(redactText("got 7123-456-78 and 7 1234 5678")).to.equal("got *****5678 and *****5678");
    expect(redactText("id 712345678")).to.equal("id *****5678");
  });

  it("leaves short numbers such as counts, years and line numbers alone", () => {
    expect(redactText("line 42 of 2026-11-27: 25 entries")).to.equal("line 42 of 2026-11-27: 25 entries");
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
