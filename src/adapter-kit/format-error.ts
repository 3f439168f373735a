/**
 * The one error type every format parser throws for bad input. It names the line (1-based; 0 when
 * the problem is the file as a whole) and the field, so an operator can open the file and see it.
 */
export class FormatError extends Error {
  constructor(
    readonly code: string,
    readonly line: number,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = "FormatError";
  }

  toJSON(): { code: string; line: number; field: string | null; message: string } {
    return { code: this.code, line: this.line, field: this.field, message: this.message };
  }

  override toString(): string {
    const where = this.line > 0 ? `line ${this.line}` : "file";
    return `${where}${this.field ? `, ${this.field}` : ""}: ${this.message} [${this.code}]`;
  }
}

/** Several FormatErrors found in one pass over a file (capped, see ErrorCollector). */
export class FormatErrors extends Error {
  constructor(
    readonly errors: FormatError[],
    readonly truncated = false,
  ) {
    super(`${errors.length}${truncated ? "+" : ""} format error(s); first: ${errors[0]?.toString() ?? "none"}`);
    this.name = "FormatErrors";
  }
}

/** Gathers every structural error of a file up to a cap, so one run shows them all. */
export class ErrorCollector {
  readonly errors: FormatError[] = [];
  truncated = false;

  constructor(readonly cap = 100) {}

  add(error: FormatError): void {
    if (this.errors.length < this.cap) this.errors.push(error);
    else this.truncated = true;
  }

  get any(): boolean {
    return this.errors.length > 0;
  }

  /** Throws FormatErrors when anything was collected. */
  throwIfAny(): void {
    if (this.any) throw new FormatErrors(this.errors, this.truncated);
  }
}

/** Flattens whatever a parser threw into FormatErrors, or returns null for a non-format error. */
export function asFormatErrors(error: unknown): FormatError[] | null {
  if (error instanceof FormatErrors) return error.errors;
  if (error instanceof FormatError) return [error];
  return null;
}
