import { DateTime } from "luxon";
import { PAYEE_ZONE } from "../../src/model/dates";
import { digitsToCents } from "../../src/model/money";
import { memoize } from "../../src/rules/local-date";

/** Every NACHA record is this long, in characters (bytes only when the file is ASCII). */
export const RECORD_LENGTH = 94;

/** A field's place in a record: 1-based, inclusive, as the NACHA rules and FORMATS.md print it. */
export interface FieldSpec {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export function field(name: string, start: number, end: number): FieldSpec {
  return { name, start, end };
}

export function cut(line: string, spec: FieldSpec): string {
  return line.slice(spec.start - 1, spec.end);
}

/** The record with one field replaced; the value must already have the field's width. */
export function replaceField(line: string, spec: FieldSpec, value: string): string {
  if (value.length !== spec.end - spec.start + 1)
    throw new RangeError(`${spec.name}: ${value} does not have the field's width`);
  return line.slice(0, spec.start - 1) + value + line.slice(spec.end);
}

export function positions(spec: FieldSpec): string {
  return spec.start === spec.end ? `position ${spec.start}` : `positions ${spec.start}-${spec.end}`;
}

// Char-code loops rather than regular expressions: these run several times per entry and the
// parser must keep up with a million-entry file.
export function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== 32) return false;
  return true;
}

/**
 * A numeric field's value, or null when it is not all digits (blank included). Up to 15 digits
 * (every NACHA count, hash and id) are added up as they are checked, without parsing the string again.
 */
export function numeric(text: string): number | null {
  if (text.length > 15) return isDigits(text) ? Number(text) : null;
  if (text.length === 0) return null;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  return value;
}

/**
 * An amount field in cents, or null when it is not all digits (blank included). NACHA's amount
 * fields are 10 or 12 digits, which Number reads exactly (up to 15 digits are below 2^53): no
 * BigInt round trip per entry. A longer string still goes through digitsToCents, which refuses
 * an unsafe value.
 */
export function cents(text: string): number | null {
  if (!isDigits(text)) return null;
  return text.length <= 15 ? Number(text) : digitsToCents(text);
}

/**
 * `cents(cut(line, spec))` without the substring: the digits are added up as they are read, once
 * per entry. Exact for a field of up to 15 digits (NACHA's are 10 or 12); a wider one goes the
 * long way, through digitsToCents.
 */
export function centsAt(line: string, spec: FieldSpec): number | null {
  if (spec.end - spec.start + 1 > 15) return cents(cut(line, spec));
  const start = spec.start - 1;
  const end = Math.min(spec.end, line.length);
  if (end <= start) return null;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  return value;
}

/**
 * `text(cut(line, spec))` with one substring instead of two: the blanks that pad the field are
 * skipped by position, and trim() (a no-op without a copy when nothing is left to trim) removes
 * any other white space at the ends, exactly as text() would.
 */
export function textAt(line: string, spec: FieldSpec): string {
  let start = spec.start - 1;
  let end = Math.min(spec.end, line.length);
  while (start < end && line.charCodeAt(start) === 32) start++;
  while (end > start && line.charCodeAt(end - 1) === 32) end--;
  return line.slice(start, end).trim();
}

/**
 * NACHA dates are YYMMDD with no century; every file this service reads is from this century,
 * so YY is 20YY. Returns null for anything that is not a real calendar day ("000000", blanks,
 * "240230"). Remembered: a file repeats a handful of dates in every batch header, and luxon's
 * zone arithmetic took a millisecond a header.
 */
export const yymmddToIso: (text: string) => string | null = memoize((text) => {
  if (text.length !== 6 || !isDigits(text)) return null;
  const year = 2000 + Number(text.slice(0, 2));
  const month = Number(text.slice(2, 4));
  const day = Number(text.slice(4, 6));
  const dt = DateTime.fromObject({ year, month, day }, { zone: PAYEE_ZONE });
  return dt.isValid ? (dt.toISODate() as string) : null;
});

/** HHMM → "HH:MM", or null. */
export function hhmmToTime(text: string): string | null {
  if (text.length !== 4 || !isDigits(text)) return null;
  const h = Number(text.slice(0, 2));
  const m = Number(text.slice(2, 4));
  return h < 24 && m < 60 ? `${text.slice(0, 2)}:${text.slice(2, 4)}` : null;
}

const ROUTING_WEIGHTS = [3, 7, 1, 3, 7, 1, 3, 7];

/** The ABA routing check digit of an 8-digit DFI identification (weights 3, 7, 1). */
export function routingCheckDigit(dfi: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (dfi.charCodeAt(i) - 48) * ROUTING_WEIGHTS[i];
  return (10 - (sum % 10)) % 10;
}

/**
 * A text field, trimmed. The reader has already decoded the file (UTF-8, else Windows-1252), so
 * an accented name is its letters here and every position is one character.
 */
export function text(raw: string): string {
  return raw.trim();
}

/** Right-justified, zero-filled numeric field. */
export function zeroPad(value: number | string, width: number): string {
  const s = String(value);
  if (s.length > width) throw new RangeError(`${s} does not fit in ${width} digits`);
  return s.padStart(width, "0");
}

/** Left-justified, blank-filled alphanumeric field (cut to fit). */
export function padText(value: string, width: number): string {
  return value.length >= width ? value.slice(0, width) : value.padEnd(width, " ");
}
