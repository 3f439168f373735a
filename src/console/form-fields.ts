import { timingSafeEqual } from "node:crypto";

/** Reading a posted form (application/x-www-form-urlencoded, parsed by formOf in ./url-encoding). */

/** One field's value; "" when it is missing or repeated. */
export function field(body: unknown, name: string): string {
  if (!body || typeof body !== "object") return "";
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : "";
}

/** Whether a posted token is the expected one, compared in constant time. */
export function sameToken(given: string, wanted: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(wanted);
  return a.length === b.length && b.length > 0 && timingSafeEqual(a, b);
}

/** A console path to go to after a form, or the fallback: never another site. */
export function consolePath(value: string, fallback = "/console"): string {
  return /^\/console(?:[/?][^\s\\]*)?$/.test(value) && !value.startsWith("//") ? value : fallback;
}
