import { writeFileSync } from "node:fs";
import { buildReport, renderReport, REPORT_FORMATS, type ReportFormat } from "../../report";
import { isIsoDate } from "../../rules/local-date";
import { withDatabase } from "../database";
import { CliExit } from "../exit";

/** `billpay report --from DATE --to DATE`: declared in src/cli/commands/report.ts. */
export async function reportAction(opts: { from: string; to: string; format: string; out?: string }): Promise<void> {
  for (const [name, value] of [
    ["--from", opts.from],
    ["--to", opts.to],
  ]) {
    if (!isIsoDate(value)) throw new CliExit(1, `${name} must be a date YYYY-MM-DD, not "${value}"`);
  }
  if (opts.from > opts.to) throw new CliExit(1, "--from is after --to");
  if (!(REPORT_FORMATS as readonly string[]).includes(opts.format))
    throw new CliExit(1, `--format must be one of ${REPORT_FORMATS.join(", ")}`);
  const report = await withDatabase((db) => buildReport(db, { from: opts.from, to: opts.to }));
  const text = renderReport(report, opts.format as ReportFormat);
  if (opts.out) {
    writeFileSync(opts.out, text);
    process.stderr.write(`report written to ${opts.out}\n`);
  } else process.stdout.write(text);
}
