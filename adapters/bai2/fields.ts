import { digitsToCents } from "../../src/model/money";
import { bai2Error } from "./errors";
import type { LogicalRecord } from "./record-reader";
import { parseDay } from "../../src/adapter-kit/day-formats";

/**
 * Reads the comma-separated fields of a record across its 88 continuations: a continuation starts
 * a new field, and `rest()` returns the free text that ends a 16 record (commas included), with
 * each continuation's text joined by a blank.
 */
export class FieldCursor {
  private body = 0;
  private pos = 0;

  constructor(readonly record: LogicalRecord) {}

  get line(): number {
    return this.record.line;
  }

  /** The next field, or undefined when the record is exhausted. */
  next(): string | undefined {
    const bodies = this.record.bodies;
    while (this.body < bodies.length && this.pos > bodies[this.body].length) {
      this.body += 1;
      this.pos = 0;
    }
    if (this.body >= bodies.length) return undefined;
    const text = bodies[this.body];
    const comma = text.indexOf(",", this.pos);
    const end = comma < 0 ? text.length : comma;
    const value = text.slice(this.pos, end);
    this.pos = end + 1;
    return value.trim();
  }

  /** True when only empty fields remain. */
  get exhausted(): boolean {
    const bodies = this.record.bodies;
    for (let b = this.body; b < bodies.length; b++) {
      const from = b === this.body ? this.pos : 0;
      if (bodies[b].slice(from).replace(/,/g, "").trim() !== "") return false;
    }
    return true;
  }

  /** Everything left, as free text. */
  rest(): string {
    const bodies = this.record.bodies;
    const parts: string[] = [];
    for (let b = this.body; b < bodies.length; b++) {
      const from = b === this.body ? this.pos : 0;
      if (from <= bodies[b].length) parts.push(bodies[b].slice(from));
    }
    this.body = bodies.length;
    return parts
      .filter((p) => p.trim() !== "")
      .join(" ")
      .trim();
  }
}

/** "<record>.<name>", the field name errors carry. */
export type FieldName = `${string}.${string}`;

/** An amount in cents; `signed` allows a leading + or - (03 summaries and trailers). Empty → null. */
export function amountField(value: string | undefined, line: number, field: FieldName, signed: boolean): number | null {
  const v = (value ?? "").trim();
  if (v === "") return null;
  if (!(signed ? /^[+-]?\d+$/ : /^\d+$/).test(v)) throw bai2Error("invalid_amount", line, field, { value: v, signed });
  return digitsToCents(v);
}

export function requiredAmount(
  value: string | undefined,
  line: number,
  field: FieldName,
  signed: boolean,
  what: string,
): number {
  const cents = amountField(value, line, field, signed);
  if (cents === null) throw bai2Error("missing_field", line, field, { what });
  return cents;
}

/** A whole number (counts); empty → null. */
export function countField(value: string | undefined, line: number, field: FieldName): number | null {
  const v = (value ?? "").trim();
  if (v === "") return null;
  if (!/^\d+$/.test(v)) throw bai2Error("invalid_number", line, field, { value: v });
  return Number(v);
}

/** YYMMDD → "YYYY-MM-DD"; empty → null. */
export function dateField(value: string | undefined, line: number, field: FieldName): string | null {
  const v = (value ?? "").trim();
  if (v === "") return null;
  const day = /^\d{6}$/.test(v) ? parseDay(v, "yyMMdd") : null;
  if (!day) throw bai2Error("invalid_date", line, field, { value: v });
  return day;
}

export function requiredDate(value: string | undefined, line: number, field: FieldName, what: string): string {
  const date = dateField(value, line, field);
  if (date === null) throw bai2Error("missing_field", line, field, { what });
  return date;
}

/** A three-digit BAI2 type code. */
export function typeCodeField(value: string | undefined, line: number, field: FieldName): string {
  const v = (value ?? "").trim();
  if (!/^\d{3}$/.test(v)) throw bai2Error("invalid_type_code", line, field, { value: v });
  return v;
}
