import type { FormatError } from "../../src/adapter-kit/format-error";
import type { PaymentKind, PlanType } from "../../src/model";
import type { TextEncodingName } from "../../src/adapter-kit/text-decoding";

/**
 * The parsed shape of a flat layout (see layout.ts for the schema and what each key means).
 * `F` is how a family locates a field: `{ column }` for CSV, `{ start, end }` for fixed-width.
 */
export type TextField<F> = F & { trim: boolean };
export type DateField<F> = TextField<F> & { format: string | string[]; required: boolean };
export type SignField<F> = TextField<F> & { negative: string[] };
export type AmountField<F> = TextField<F> & {
  style: "cents" | "decimal";
  sign: "none" | "leading" | "trailing";
  signField?: SignField<F>;
  thousands: boolean;
};
export type CodeField<F, V extends string> = TextField<F> & { values: Partial<Record<V, string[]>> };

export interface FlatLayout<F> {
  encoding: TextEncodingName;
  recordTypes?: {
    field: TextField<F>;
    header?: string[];
    detail: string[];
    trailer?: string[];
    ignore?: string[];
  };
  header?: {
    fileId?: TextField<F>;
    settledOn?: DateField<F>;
    initiatedOn?: DateField<F>;
    payeeName?: TextField<F>;
  };
  detail: {
    amount: AmountField<F>;
    accountRaw: TextField<F>;
    sourceRef?: TextField<F>;
    payerName?: TextField<F>;
    initiatedOn?: DateField<F>;
    settledOn?: DateField<F>;
    coverageMonth?: DateField<F>;
    kind?: CodeField<F, PaymentKind>;
    planType?: CodeField<F, PlanType>;
    reasonCode?: TextField<F>;
    originalRef?: TextField<F>;
    details?: Record<string, TextField<F>>;
  };
  trailer?: { count?: TextField<F>; total?: AmountField<F> };
  trailerTotal: "net" | "gross";
  negativeKind: "reversal" | "return";
  method: "ach" | "check" | "wire" | "card" | "other";
  expectedPayeeName: string;
}

/** One record as a family read it: its line, its text, and its cells in the family's own form. */
export interface FlatRecord<C> {
  line: number;
  raw: string;
  cells: C;
}

/** How a family reads a field out of its cells, and names the field's location for messages. */
export interface FieldAccess<C, F> {
  /** The field's text, or undefined when the record does not reach that far. */
  read(cells: C, field: F): string | undefined;
  /** "column \"Send Date\"", "positions 73-80". */
  where(field: F): string;
  /** A record-level problem (wrong length): the record is reported and left out. */
  check?(record: FlatRecord<C>): FormatError | null;
}
