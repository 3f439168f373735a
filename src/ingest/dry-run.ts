import path from "node:path";
import { asFormatErrors } from "../adapter-kit/format-error";
import type { ErrorRecord } from "../model";
import type { LoadedMapping } from "../config/mapping-loader";
import {
  emptySummary,
  readRemittance,
  type AssessedPayment,
  type ParsedBankEntry,
  type ReadSummary,
} from "./read-remittance";

export interface DryRunResult {
  aggregator: string;
  adapter: string;
  file: string;
  status: "ok" | "rejected";
  /** What was read; for a rejected file, what was read before the verdict (controls, warnings, counts). */
  summary: ReadSummary;
  payments: AssessedPayment[];
  bankEntries: ParsedBankEntry[];
  errors: ErrorRecord[];
}

/**
 * Parses a file and applies the rules without touching a database: for `billpay parse`,
 * `mapping check` and the golden tests. Holds the results in memory, so it is for samples.
 */
export async function dryRun(
  file: string,
  loaded: LoadedMapping,
  onPayment?: (p: AssessedPayment) => void,
): Promise<DryRunResult> {
  const payments: AssessedPayment[] = [];
  const bankEntries: ParsedBankEntry[] = [];
  const summary = emptySummary();
  const result: DryRunResult = {
    aggregator: loaded.aggregator,
    adapter: loaded.adapter.id,
    file: path.basename(file),
    status: "ok",
    summary,
    payments,
    bankEntries,
    errors: [],
  };
  try {
    await readRemittance(
      file,
      loaded,
      { name: path.basename(file), aggregator: loaded.aggregator },
      {
        payment: (p) => {
          if (onPayment) onPayment(p);
          else payments.push(p);
        },
        bankEntry: (e) => {
          bankEntries.push(e);
        },
      },
      { summary },
    );
  } catch (error) {
    const errors = asFormatErrors(error);
    if (!errors) throw error;
    result.status = "rejected";
    result.errors = errors.map((e) => e.toJSON());
  }
  return result;
}
