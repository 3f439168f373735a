import { isDay, isUuid, MAX_TEXT, PageInputError } from "./params";
import { hasControlCharacter } from "./url-encoding";

/**
 * Keyset paging: a page ends with the sort key of its last row, and the next page starts after that
 * key (`WHERE (k, id) > ($1, $2)`), so a page costs the same however deep it is and never skips or
 * repeats a row when rows arrive between pages (OFFSET would do both).
 */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key.map(String))).toString("base64url");
}

/**
 * What each part of a cursor must look like. A cursor comes back from the browser, so anyone can
 * write one: each part is checked against the column it is compared with, or PostgreSQL's cast
 * of a made-up value would be an error (a 500) rather than the 400 it deserves.
 */
const CURSOR_KEYS = {
  /** A timestamptz as PostgreSQL prints it (`::text`): "2026-12-02 18:42:40.964+00". */
  timestamp: (v: string) =>
    /^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?([+-]\d{2}(:\d{2}){0,2})?$/.test(v) &&
    isDay(v.slice(0, 10)),
  uuid: isUuid,
  /** An integer column (a line number). */
  int: (v: string) => /^\d{1,9}$/.test(v),
  /** A bigint column (an id, cents). */
  bigint: (v: string) => /^-?\d{1,18}$/.test(v),
  text: (v: string) => v.length <= MAX_TEXT && !hasControlCharacter(v),
} as const;

export type CursorKey = keyof typeof CURSOR_KEYS;

export function decodeCursor(value: string | null | undefined, keys: readonly CursorKey[]): string[] | null {
  if (!value) return null;
  try {
    const key = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(key) &&
      key.length === keys.length &&
      key.every((k, i) => typeof k === "string" && CURSOR_KEYS[keys[i]](k))
    )
      return key as string[];
  } catch {
    // fall through: a cursor we did not write
  }
  throw new PageInputError("after: not a page cursor");
}

/** Rows fetched one beyond the page size tell whether there is a next page without counting. */
export function splitPage<T>(rows: T[], size: number): { rows: T[]; more: boolean } {
  return { rows: rows.slice(0, size), more: rows.length > size };
}
