import type { ParsedItem } from "../../../src/adapter-kit/adapter";
import { FormatError } from "../../../src/adapter-kit/format-error";
import { parseFlatRecords } from "../records";
import type { FieldAccess, FlatRecord } from "../types";
import { readLines } from "../../../src/adapter-kit/line-reader";
import { checkDecoded } from "../../../src/adapter-kit/text-decoding";
import type { FixedFieldRef, FixedWidthMapping } from "./mapping";

/** Parses a fixed-width remittance file entirely as its mapping declares (streaming, line by line). */
export function parseFixedWidth(
  input: AsyncIterable<Buffer | string>,
  mapping: FixedWidthMapping,
): AsyncGenerator<ParsedItem> {
  const { recordLength, shortRecords } = mapping.fixedWidth;
  const access = fixedWidthAccess(mapping);
  async function* records(): AsyncGenerator<FlatRecord<string>> {
    const maxLineLength = recordLength !== undefined ? Math.max(recordLength * 4, 1024) : undefined;
    for await (const { line, text } of readLines(input, { encoding: mapping.encoding, maxLineLength })) {
      if (text.trim() === "") continue;
      const padded = shortRecords === "pad" && recordLength !== undefined && text.length < recordLength;
      yield { line, raw: text, cells: padded ? text.padEnd(recordLength) : text };
    }
  }
  return parseFlatRecords(records(), mapping, access);
}

/** Fields by position, and the record-length rule of the mapping. */
export function fixedWidthAccess(mapping: FixedWidthMapping): FieldAccess<string, FixedFieldRef> {
  const { recordLength } = mapping.fixedWidth;
  return {
    read(text, field) {
      return field.end > text.length ? undefined : text.slice(field.start - 1, field.end);
    },
    where(field) {
      return `positions ${field.start}-${field.end}`;
    },
    check(record) {
      const bad = checkDecoded(record.raw, record.line, mapping.encoding);
      if (bad || recordLength === undefined || record.cells.length === recordLength) return bad;
      return new FormatError(
        "bad_record_length",
        record.line,
        null,
        `the record is ${record.raw.length} characters long, not ${recordLength}${record.raw.length < recordLength ? " (truncated?)" : ""}`,
      );
    },
  };
}
