import { parse, CsvError, type Info } from "csv-parse";
import { Readable } from "node:stream";
import { FormatError } from "../../../src/adapter-kit/format-error";
import { checkDecoded, decodeChunks, type TextEncodingName } from "../../../src/adapter-kit/text-decoding";
import type { FlatRecord } from "../types";
import type { CsvMapping } from "./mapping";

const MAX_RECORD = 64 * 1024;

const BREAK = /\r\n|\r|\n/g;

/**
 * Streams the records of a CSV file with csv-parse, each with the line it starts on and its raw
 * text. Lines are counted from the raw text itself (csv-parse's own count drifts after skipped
 * empty lines). csv-parse's errors become FormatErrors at their line.
 */
export async function* readCsvRecords(
  input: AsyncIterable<Buffer | string>,
  options: CsvMapping["csv"],
  encoding: TextEncodingName,
): AsyncGenerator<FlatRecord<string[]>> {
  const parser = parse({
    delimiter: options.delimiter,
    quote: options.quote,
    escape: options.quote,
    from_line: options.skipLines + 1,
    relax_quotes: options.relaxQuotes,
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    info: true,
    raw: true,
    max_record_size: MAX_RECORD,
  });
  // One decoded chunk in flight at a time: csv-parse buffers what it has not emitted yet anyway.
  const source = Readable.from(decodeChunks(input, encoding), { highWaterMark: 1 });
  source.on("error", (error) => parser.destroy(error));
  source.pipe(parser);
  let consumed = options.skipLines;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; info: Info; raw: string }>) {
      const leading = /^(?:\r\n|\r|\n)*/.exec(raw)?.[0] ?? "";
      const line = consumed + 1 + (leading.match(BREAK)?.length ?? 0);
      consumed += raw.match(BREAK)?.length ?? 0;
      const text = raw.slice(leading.length).replace(/(?:\r\n|\r|\n)$/, "");
      const bad = checkDecoded(text, line, encoding);
      if (bad) throw bad;
      yield { line, raw: text, cells: record };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 0;
      throw new FormatError("csv_syntax", line, null, error.message.replace(/\s+at line \d+.*$/, ""));
    }
    throw error;
  } finally {
    source.destroy();
  }
}
