import { parse } from "csv-parse/sync";
import { sampleEncoding } from "../../../src/adapter-kit/text-decoding";
import { amplifyFlat } from "../amplify";
import type { CsvMapping } from "./mapping";
import { csvAccess, csvColumnIndex, nameColumns } from "./parse";

/** A CSV file with every detail record repeated `factor` times and its trailer scaled to match. */
export function amplifyCsv(sample: Buffer, factor: number, mapping: CsvMapping): Buffer | null {
  const { delimiter, quote, skipLines, headerRow, relaxQuotes } = mapping.csv;
  const split = (line: string): string[] | null => {
    try {
      const rows = parse(line, {
        delimiter,
        quote,
        escape: quote,
        relax_quotes: relaxQuotes,
        relax_column_count: true,
        bom: true,
      }) as string[][];
      return rows.length === 1 ? rows[0] : null;
    } catch {
      return null;
    }
  };
  const columns = new Map<string, number>();
  if (headerRow) {
    const namesLine = sample.toString(sampleEncoding(sample, mapping.encoding)).split(/\r?\n/)[skipLines];
    nameColumns(columns, split(namesLine ?? "") ?? []);
  }
  const quoteCell = (cell: string): string =>
    cell.includes(delimiter) || cell.includes(quote) || /[\r\n]/.test(cell)
      ? quote + cell.split(quote).join(quote + quote) + quote
      : cell;
  return amplifyFlat(sample, factor, mapping, {
    access: csvAccess(columns),
    leadingLines: skipLines + (headerRow ? 1 : 0),
    split,
    write(_line, cells, field, value) {
      const index = csvColumnIndex(columns, field);
      const next = [...cells];
      if (index !== undefined) next[index] = value;
      return next.map(quoteCell).join(delimiter);
    },
  });
}
