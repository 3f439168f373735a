import type { RemittanceAdapter } from "../../../src/adapter-kit/adapter";
import { CsvMapping } from "./mapping";
import { parseCsv } from "./parse";

/**
 * CSV files of a bank's or small aggregator's own design, read entirely as the mapping declares:
 * no code per aggregator (mappings/bank-csv.yaml is one).
 */
export const csv: RemittanceAdapter<CsvMapping> = {
  id: "csv",
  description:
    "Delimited (CSV) remittance files declared by a mapping: columns, record types, dates, amounts, trailer.",
  mappingSchema: CsvMapping,
  parse: (input, mapping) => parseCsv(input, mapping),
};
