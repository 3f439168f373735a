import { expect } from "chai";
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";

/**
 * What a hostile or careless client puts in a URL, already in the form it travels in (the text of
 * a query value or a path segment): arbitrary Unicode and arbitrary bytes percent-encoded, very
 * long text, SQL-shaped and path-traversal text, NULs, and escapes that are not UTF-8 or not
 * escapes at all.
 */

/** Every byte as %XX: any string travels, a lone surrogate as the U+FFFD its UTF-8 becomes. */
export function percentEncoded(value: string | Uint8Array): string {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return [...bytes].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
}

const plain = (text: string) => percentEncoded(text);

/** Shapes that break naive code: SQL, traversal, template and number edge cases, and broken escapes kept raw. */
export const HOSTILE: readonly string[] = [
  plain("' OR '1'='1"),
  plain("'; DROP TABLE payments; --"),
  plain("1; SELECT pg_sleep(5)"),
  plain("\\x00"),
  plain("$1"),
  plain("${7*7}"),
  plain("<script>alert(1)</script>"),
  "../../../../etc/passwd",
  "..%2F..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f%2e%2e%2f",
  "..%5c..%5cwindows",
  "%00",
  "a%00b",
  "%0a%0d",
  "%",
  "%%",
  "%zz",
  "%4",
  "%FF",
  "%C0%AF",
  "%E0%A4%A",
  "%ED%A0%80",
  "%F4%90%80%80",
  "-1",
  "1e309",
  "NaN",
  "9".repeat(40),
  "0.000001",
  "2020-02-30",
  "0000-01-01",
  "9999-12-31",
  "2026-12-02%2023%3A59%3A60%2B00",
  "00000000-0000-0000-0000-00000000000g",
  "+",
  "&",
  "=",
];

/** A page cursor's JSON, well formed or not, base64url as the pages write it. */
const cursor = fc
  .oneof(fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }))
  .map((key) => Buffer.from(JSON.stringify(key) ?? "null").toString("base64url"));

const piece = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: "binary", maxLength: 40 }).map(percentEncoded),
  fc.string({ unit: "grapheme-ascii", maxLength: 40 }).map(encodeURIComponent),
  fc.uint8Array({ maxLength: 12 }).map(percentEncoded),
  fc.string({ unit: "grapheme", minLength: 200, maxLength: 600 }).map(percentEncoded),
  cursor,
);

/** One value as it appears in a URL: a piece, or a few run together. */
export const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: piece },
  { weight: 1, arbitrary: fc.array(piece, { minLength: 2, maxLength: 3 }).map((parts) => parts.join("")) },
);

/** A request's answer that a client may see: below 500, and no stack, source path or library message. */
export function expectCleanRefusalOrAnswer(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 500)}`).to.be.below(500);
  expectNoInternals(res, what);
}

export function expectNoInternals(res: LightMyRequestResponse, what: string): void {
  expect(res.body, what).not.to.match(/\n\s+at \S|\.(ts|js):\d+|node_modules|FST_ERR|QueryFailedError|syntax for type/);
}
