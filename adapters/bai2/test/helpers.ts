import { Readable } from "node:stream";
import { ErrorCollector } from "../../../src/adapter-kit/format-error";
import { readLogicalRecords, type LogicalRecord } from "../record-reader";

/** The logical records of a BAI2 text (88s joined), with whatever the reader collected. */
export async function logical(text: string): Promise<{ records: LogicalRecord[]; errors: ErrorCollector }> {
  const errors = new ErrorCollector();
  const records: LogicalRecord[] = [];
  for await (const r of readLogicalRecords(Readable.from([text]), errors)) records.push(r);
  return { records, errors };
}

/** The single logical record of a text (e.g. "03,...,/\n88,.../"). */
export async function record(text: string): Promise<LogicalRecord> {
  return (await logical(text)).records[0];
}
