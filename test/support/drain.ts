import { asFormatErrors, type FormatError } from "../../src/adapter-kit/format-error";

/** Drains an async iterable; FormatErrors are returned, anything else is rethrown. */
export async function drain<T>(it: AsyncIterable<T>): Promise<{ items: T[]; errors: FormatError[] }> {
  const items: T[] = [];
  try {
    for await (const item of it) items.push(item);
    return { items, errors: [] };
  } catch (error) {
    const errors = asFormatErrors(error);
    if (!errors) throw error;
    return { items, errors };
  }
}
