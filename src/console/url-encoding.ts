import { PageInputError } from "./page";

/**
 * Query strings and form bodies (application/x-www-form-urlencoded), decoded strictly. The lenient
 * decoders (URLSearchParams, fast-querystring) turn a malformed %-escape or bytes that are not UTF-8
 * into U+FFFD or leave them as typed, so a filter would quietly search for text nobody sent; and a
 * NUL or another control character reaches PostgreSQL, which refuses it with an error we would
 * answer 500. Here each is a 400 that says what was wrong.
 */

// Tab, line feed and carriage return are text (a note typed over several lines); the rest of C0 and DEL are not.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function hasControlCharacter(value: string): boolean {
  return CONTROL.test(value);
}

/** One name or value: `+` is a space, every %-escape must spell UTF-8. */
function decodePart(part: string, what: string): string {
  let value: string;
  try {
    value = decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    throw new PageInputError(`the ${what} is not valid percent-encoded UTF-8`);
  }
  if (hasControlCharacter(value)) throw new PageInputError(`the ${what} holds a control character`);
  return value;
}

/** The name=value pairs of an urlencoded text, in order (a name without `=` has the value ""). */
export function decodePairs(encoded: string, what: string): [string, string][] {
  return encoded
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return [decodePart(name, what), eq < 0 ? "" : decodePart(pair.slice(eq + 1), what)];
    });
}

/** The query string of a request URL (path and query, as Fastify gives it), or "". */
export function rawQuery(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return "";
  const hash = url.indexOf("#", q);
  return url.slice(q + 1, hash < 0 ? undefined : hash);
}

/** The query string as one value per name (the last of a repeated one). */
export function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(decodePairs(rawQuery(url), "query string"));
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A posted form, a repeated field as an array (which field() reads as missing), from its raw bytes:
 * bytes that are not UTF-8 are refused before decoding.
 */
export function formOf(body: Buffer): Record<string, string | string[]> {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new PageInputError("the form is not UTF-8");
  }
  // No prototype: a field named __proto__ is a field like any other.
  const form = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of decodePairs(text, "form")) {
    const seen = form[name];
    form[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return form;
}
