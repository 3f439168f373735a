import { PageInputError } from "./params";

/**
 * Keyset paging: a page ends with the sort key of its last row, and the next page starts after that
 * key (`WHERE (k, id) > ($1, $2)`), so a page costs the same however deep it is and never skips or
 * repeats a row when rows arrive between pages (OFFSET would do both).
 */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key.map(String))).toString("base64url");
}

export function decodeCursor(value: string | null | undefined, length: number): string[] | null {
  if (!value) return null;
  try {
    const key = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(key) && key.length === length && key.every((k) => typeof k === "string")) return key;
  } catch {
    // fall through: a cursor we did not write
  }
  throw new PageInputError("after: not a page cursor");
}

/** Rows fetched one beyond the page size tell whether there is a next page without counting. */
export function splitPage<T>(rows: T[], size: number): { rows: T[]; more: boolean } {
  return { rows: rows.slice(0, size), more: rows.length > size };
}
