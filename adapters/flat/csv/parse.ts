import type { ParsedItem } from "../../../src/adapter-kit/adapter";
import { FormatError, FormatErrors } from "../../../src/adapter-kit/format-error";
import { parseFlatRecords } from "../records";
import type { FieldAccess, FlatRecord } from "../types";
import { namedColumns, type CsvFieldRef, type CsvMapping } from "./mapping";
import { readCsvRecords } from "./reader";

/** Parses a CSV remittance file entirely as its mapping declares (streaming). */
export function parseCsv(input: AsyncIterable<Buffer | string>, mapping: CsvMapping): AsyncGenerator<ParsedItem> {
  const columns = new Map<string, number>();
  const access = csvAccess(columns);
  async function* records(): AsyncGenerator<FlatRecord<string[]>> {
    let named = !mapping.csv.headerRow;
    for await (const record of readCsvRecords(input, mapping.csv, mapping.encoding)) {
      if (named) {
        yield record;
        continue;
      }
      named = true;
      nameColumns(columns, record.cells);
      const missing = namedColumns(mapping).filter((name) => !columns.has(name));
      if (missing.length) {
        throw new FormatErrors(
          missing.map(
            (name) => new FormatError("missing_column", record.line, name, `the header row has no column "${name}"`),
          ),
        );
      }
    }
  }
  return parseFlatRecords(records(), mapping, access);
}

/** Column positions by the header row's names; a repeated name is its first column. */
export function nameColumns(columns: Map<string, number>, names: string[]): void {
  names.forEach((name, i) => {
    if (!columns.has(name.trim())) columns.set(name.trim(), i);
  });
}

/** Fields by column number, or by name through the header row's `columns`. */
export function csvAccess(columns: ReadonlyMap<string, number>): FieldAccess<string[], CsvFieldRef> {
  return {
    read(cells, field) {
      const index = csvColumnIndex(columns, field);
      return index === undefined ? undefined : cells[index];
    },
    where(field) {
      return typeof field.column === "number" ? `column ${field.column}` : `column "${field.column}"`;
    },
  };
}

export function csvColumnIndex(columns: ReadonlyMap<string, number>, field: CsvFieldRef): number | undefined {
  return typeof field.column === "number" ? field.column - 1 : columns.get(field.column);
}
