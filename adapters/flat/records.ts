import { maskDigits } from "../../src/rules/account/mask-digits";
import type { PaymentDraft } from "../../src/model";
import type { ParsedItem } from "../../src/adapter-kit/adapter";
import { ErrorCollector, FormatError, asFormatErrors } from "../../src/adapter-kit/format-error";
import { parseAmount } from "./amounts";
import { parseDay } from "../../src/adapter-kit/day-formats";
import type { AmountField, CodeField, DateField, FieldAccess, FlatLayout, FlatRecord, TextField } from "./types";
import { namesPayee } from "../../src/rules/payee-identity";

type Role = "header" | "detail" | "trailer" | "ignore";

/**
 * Turns the records of a flat file (CSV rows or fixed-width lines, as a family reads them) into
 * parsed items, as the layout declares: record roles, fields, dates, amounts, the trailer's
 * control count and total. A bad field is collected with its line and field and the record is
 * left out; every problem is thrown together at the end (FormatErrors), after the good payments,
 * so that one dry run shows all of them.
 */
export async function* parseFlatRecords<C, F>(
  records: AsyncIterable<FlatRecord<C>>,
  layout: FlatLayout<F>,
  access: FieldAccess<C, F>,
): AsyncGenerator<ParsedItem> {
  const errors = new ErrorCollector();
  const state = new FileState(layout, access, errors);
  try {
    for await (const record of records) yield* state.take(record);
  } catch (error) {
    const found = asFormatErrors(error);
    if (!found) throw error;
    found.forEach((e) => errors.add(e));
    errors.throwIfAny();
  }
  state.finish();
  errors.throwIfAny();
}

/** Where a file is in its header → details → trailer sequence, with the running control figures. */
class FileState<C, F> {
  private records = 0;
  private lastLine = 0;
  private seenHeader = false;
  private seenDetail = false;
  private trailerLine: number | null = null;
  private header: { settledOn: string | null; initiatedOn: string | null } = { settledOn: null, initiatedOn: null };
  private count = 0;
  private total = 0;
  private totalKnown = true;
  private readonly roles = new Map<string, Role>();

  constructor(
    private readonly layout: FlatLayout<F>,
    private readonly access: FieldAccess<C, F>,
    private readonly errors: ErrorCollector,
  ) {
    const rt = layout.recordTypes;
    if (!rt) return;
    for (const role of ["header", "detail", "trailer", "ignore"] as const) {
      for (const code of rt[role] ?? []) this.roles.set(code, role);
    }
  }

  *take(record: FlatRecord<C>): Generator<ParsedItem> {
    const { layout, errors } = this;
    this.records += 1;
    this.lastLine = record.line;
    const bad = this.access.check?.(record);
    if (bad) {
      errors.add(bad);
      return;
    }
    const read = new FieldReader(record, this.access, errors);
    const role = this.roleOf(read, layout);
    if (role === null || role === "ignore") return;
    if (this.trailerLine !== null) {
      errors.add(
        new FormatError(
          "record_after_trailer",
          record.line,
          null,
          `a ${role} record after the trailer (line ${this.trailerLine})`,
        ),
      );
      return;
    }
    if (role === "header") {
      if (this.seenHeader || this.seenDetail) {
        errors.add(
          new FormatError("header_out_of_place", record.line, null, "a header record after the file's first record"),
        );
        return;
      }
      this.seenHeader = true;
      yield* this.takeHeader(read, layout);
      return;
    }
    if (!this.seenHeader && !this.seenDetail && layout.recordTypes?.header) {
      errors.add(new FormatError("missing_header", record.line, null, "the file does not start with a header record"));
    }
    if (role === "detail") {
      this.seenDetail = true;
      const item = this.takeDetail(read, layout);
      if (item) yield item;
      return;
    }
    this.trailerLine = record.line;
    yield* this.takeTrailer(read, layout);
  }

  finish(): void {
    const { errors } = this;
    if (this.records === 0) {
      errors.add(new FormatError("empty_file", 0, null, "the file has no records"));
      return;
    }
    if (this.layout.recordTypes?.trailer && this.trailerLine === null) {
      errors.add(
        new FormatError(
          "missing_trailer",
          this.lastLine,
          null,
          `the file ends at line ${this.lastLine} without a trailer record (truncated?)`,
        ),
      );
    }
  }

  private roleOf(read: FieldReader<C, F>, layout: FlatLayout<F>): Role | null {
    const rt = layout.recordTypes;
    if (!rt) return "detail";
    const code = read.text(rt.field, "recordType");
    if (code === null) return null;
    const role = this.roles.get(code);
    if (!role) {
      read.fail("unknown_record_type", "recordType", `record type "${shown(code)}" is not one the mapping declares`);
      return null;
    }
    return role;
  }

  private *takeHeader(read: FieldReader<C, F>, layout: FlatLayout<F>): Generator<ParsedItem> {
    const h = layout.header ?? {};
    const fileId = read.optionalText(h.fileId, "header.fileId");
    this.header = {
      settledOn: read.day(h.settledOn, "header.settledOn"),
      initiatedOn: read.day(h.initiatedOn, "header.initiatedOn"),
    };
    const payeeName = read.optionalText(h.payeeName, "header.payeeName");
    if (payeeName !== null && !namesPayee(payeeName, layout.expectedPayeeName)) {
      yield {
        kind: "warning",
        code: "payee_mismatch",
        line: read.record.line,
        field: "header.payeeName",
        message: `the header names the payee "${payeeName}", not "${layout.expectedPayeeName}"`,
      };
    }
    yield { kind: "header", line: read.record.line, identity: fileId, info: { fileId, payeeName, ...this.header } };
  }

  private takeDetail(read: FieldReader<C, F>, layout: FlatLayout<F>): ParsedItem | null {
    const d = layout.detail;
    this.count += 1;
    const signed = read.amount(d.amount, "amount");
    let kind = read.code(d.kind, "kind") ?? "payment";
    if (signed !== null && signed < 0 && kind === "payment") kind = layout.negativeKind;
    const amountCents = signed === null ? null : Math.abs(signed);
    if (amountCents === null) this.totalKnown = false;
    else this.total += layout.trailerTotal === "gross" ? amountCents : kind === "payment" ? amountCents : -amountCents;
    const details: Record<string, string | null> = {};
    for (const [name, field] of Object.entries(d.details ?? {}))
      details[name] = read.optionalText(field, `details.${name}`);
    const coverageDay = read.day(d.coverageMonth, "coverageMonth");
    const draft: PaymentDraft = {
      kind,
      sourceRef: read.optionalText(d.sourceRef, "sourceRef"),
      amountCents: amountCents ?? 0,
      payerName: read.optionalText(d.payerName, "payerName"),
      accountRaw: read.optionalText(d.accountRaw, "accountRaw"),
      initiatedOn: read.day(d.initiatedOn, "initiatedOn") ?? this.header.initiatedOn,
      settledOn: read.day(d.settledOn, "settledOn") ?? this.header.settledOn,
      coverageMonth: coverageDay ? coverageDay.slice(0, 7) : null,
      planType: read.code(d.planType, "planType"),
      method: layout.method,
      reasonCode: read.optionalText(d.reasonCode, "reasonCode"),
      originalRef: read.optionalText(d.originalRef, "originalRef"),
      details,
      raw: read.record.raw,
    };
    return read.failed ? null : { kind: "payment", draft, line: read.record.line };
  }

  private *takeTrailer(read: FieldReader<C, F>, layout: FlatLayout<F>): Generator<ParsedItem> {
    const t = layout.trailer ?? {};
    const countText = read.optionalText(t.count, "trailer.count");
    let declaredCount: number | null = null;
    if (countText !== null) {
      if (/^\d+$/.test(countText)) declaredCount = Number(countText);
      else read.fail("bad_number", "trailer.count", `"${shown(countText)}" is not a record count`);
    }
    const declaredTotal = read.amount(t.total, "trailer.total");
    if (read.failed) return;
    const line = read.record.line;
    const parsedTotal = this.totalKnown ? this.total : null;
    yield {
      kind: "control",
      scope: "file",
      line,
      declared: { count: declaredCount, totalCents: declaredTotal },
      parsed: { count: this.count, totalCents: parsedTotal },
    };
    if (declaredCount !== null && declaredCount !== this.count) {
      this.errors.add(
        new FormatError(
          "control_count_mismatch",
          line,
          "trailer.count",
          `the trailer declares ${declaredCount} detail records; the file has ${this.count}`,
        ),
      );
    }
    if (declaredTotal !== null && parsedTotal !== null && declaredTotal !== parsedTotal) {
      this.errors.add(
        new FormatError(
          "control_total_mismatch",
          line,
          "trailer.total",
          `the trailer declares a ${layout.trailerTotal} total of ${declaredTotal} cents; the details sum to ${parsedTotal} cents`,
        ),
      );
    }
  }
}

/** Reads the fields of one record, collecting each problem under the record's line and the field's mapping key. */
class FieldReader<C, F> {
  failed = false;
  private short = false;

  constructor(
    readonly record: FlatRecord<C>,
    private readonly access: FieldAccess<C, F>,
    private readonly errors: ErrorCollector,
  ) {}

  fail(code: string, key: string, message: string): void {
    this.failed = true;
    this.errors.add(new FormatError(code, this.record.line, key, message));
  }

  /** The field's text; null (and an error) when the record does not reach it. */
  text(field: TextField<F>, key: string): string | null {
    const value = this.access.read(this.record.cells, field);
    if (value === undefined) {
      // One report per record: a short record lacks every field past its end.
      if (!this.short)
        this.fail(
          "missing_field",
          key,
          `the record ends before ${this.access.where(field)} (short or truncated record)`,
        );
      this.short = true;
      this.failed = true;
      return null;
    }
    return field.trim ? value.trim() : value;
  }

  /** Blank is null. */
  optionalText(field: TextField<F> | undefined, key: string): string | null {
    if (!field) return null;
    const value = this.text(field, key);
    return value === null || value.trim() === "" ? null : value;
  }

  day(field: DateField<F> | undefined, key: string): string | null {
    if (!field) return null;
    const value = this.optionalText(field, key);
    if (value === null) {
      if (field.required && !this.failed) this.fail("missing_date", key, `${this.access.where(field)} is blank`);
      return null;
    }
    const day = parseDay(value, field.format);
    if (day === null) {
      const formats = [field.format].flat().join(" or ");
      this.fail("bad_date", key, `${this.access.where(field)}: "${shown(value)}" is not a date in the form ${formats}`);
    }
    return day;
  }

  amount(field: AmountField<F> | undefined, key: string): number | null {
    if (!field) return null;
    const value = this.text(field, key);
    const sign = field.signField ? this.text(field.signField, `${key}.sign`) : undefined;
    if (value === null || sign === null) return null;
    const cents = parseAmount(value, field, sign);
    if (typeof cents === "string") {
      this.fail("bad_amount", key, `${this.access.where(field)}: "${shown(value)}" is not an amount (${cents})`);
      return null;
    }
    return cents;
  }

  code<V extends string>(field: CodeField<F, V> | undefined, key: string): V | null {
    if (!field) return null;
    const value = this.text(field, key);
    if (value === null) return null;
    for (const [name, codes] of Object.entries(field.values) as [V, string[]][]) {
      if (codes.includes(value)) return name;
    }
    this.fail(
      "unknown_code",
      key,
      `${this.access.where(field)}: "${shown(value)}" is not one of the codes the mapping declares`,
    );
    return null;
  }
}

/** A value quoted in a message; one with 9 or more digits could be an account number or an SSN. */
function shown(value: string): string {
  return value.replace(/\D/g, "").length >= 9 ? maskDigits(value) : value;
}
