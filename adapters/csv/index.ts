import type { RemittanceAdapter } from "../../src/ingest/adapter";
import { CsvMapping } from "../../src/formats/delimited/mapping";
import { parseCsv } from "../../src/formats/delimited/parse";

/**
 * CSV files of a bank's or small aggregator's own design, read entirely as the mapping declares:
 * no code per aggregator (mappings/bank-csv.yaml is one).
 */
export const adapter: RemittanceAdapter<CsvMapping> = {
  id: "csv",
  description: "Delimited (CSV) remittance files declared by a mapping: columns, record types, dates, amounts, trailer.",
  mappingSchema: CsvMapping,
  parse: (input, mapping) => parseCsv(input, mapping),
};
