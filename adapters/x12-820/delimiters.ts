import { x12Error } from "./errors";

/** The four separators an interchange declares in its fixed-length ISA segment. */
export interface X12Delimiters {
  element: string;
  /** ISA11 is the repetition separator from version 00402 on; before that it is a standards id ("U"). */
  repetition: string | null;
  component: string;
  segment: string;
}

export const ISA_LENGTH = 106;

/**
 * Reads the delimiters from the first 106 characters of an interchange (FORMATS.md §2): element
 * separator at index 3, repetition at 82, component at 104, segment terminator at 105.
 */
export function readDelimiters(isa: string): X12Delimiters {
  const invalid = (reason: string) => x12Error("invalid_isa", { index: 1, line: 1 }, "ISA", { reason });
  if (!isa.startsWith("ISA")) throw x12Error("missing_isa", { index: 1, line: 1 }, "ISA");
  if (isa.length < ISA_LENGTH) throw invalid(`only ${isa.length} characters before the file ends`);
  const element = isa[3];
  if (/[\w\s]/.test(element)) throw invalid(`element separator ${JSON.stringify(element)} is a letter, digit or blank`);
  const parts = isa.slice(0, ISA_LENGTH - 1).split(element);
  if (parts.length !== 17 || isa[103] !== element) {
    throw invalid(`${parts.length - 1} elements where 16 fixed-width ones are expected`);
  }
  const component = isa[104];
  const segment = isa[105];
  const version = parts[12];
  const repetition = version >= "00402" ? isa[82] : null;
  const used = [element, component, segment, ...(repetition ? [repetition] : [])];
  if (new Set(used).size !== used.length) throw invalid(`delimiters ${JSON.stringify(used.join(""))} are not distinct`);
  if (/[A-Za-z0-9 ]/.test(component))
    throw invalid(`component separator ${JSON.stringify(component)} is a letter, digit or blank`);
  if (/[A-Za-z0-9 ]/.test(segment))
    throw invalid(`segment terminator ${JSON.stringify(segment)} is a letter, digit or blank`);
  return { element, repetition, component, segment };
}
