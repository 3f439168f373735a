import { expect } from "chai";

/** Asserts that `fn` throws a FormatError with this code and field. */
export function expectFormatError(fn: () => unknown, code: string, field: string): void {
  let thrown: unknown = null;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `no ${code} error`).to.include({ code, field });
}
