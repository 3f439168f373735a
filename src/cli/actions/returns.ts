import { writeFileSync } from "node:fs";
import { DateTime } from "luxon";
import { centsToDecimal, formatUsd } from "../../model";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";
import { dateArgument } from "../rules-input";
import { BAD_INPUT } from "../rules-options";

/** `billpay returns build`: declared in src/cli/commands/returns.ts. */
export async function buildAction(opts: {
  aggregator: string;
  date?: string;
  out?: string;
  by: string;
  json?: boolean;
}): Promise<void> {
  const now = DateTime.local();
  const on = dateArgument(opts.date, "--date") ?? (now.toISODate() as string);
  const { buildReturns } = await import("../../returns/build.js");
  const result = await withDatabase((db) =>
    buildReturns(db, { aggregator: opts.aggregator, on, at: now.toFormat("HHmm"), by: opts.by }),
  );
  if (result.file && opts.out) writeFileSync(opts.out, result.file.text, "latin1");
  if (opts.json) {
    const f = result.file;
    return printJson({
      collected: result.collected,
      file: f && { id: f.id, name: f.name, entries: f.entryCount, total: centsToDecimal(f.totalCents), out: opts.out },
    });
  }
  const f = result.file;
  if (!f) return void process.stdout.write(`nothing to return for ${opts.aggregator} on ${on}\n`);
  process.stdout.write(
    `${f.name}: ${f.entryCount} returns, ${formatUsd(f.totalCents)} (${result.collected} past their return-by day)${opts.out ? `, written to ${opts.out}` : ""}\n`,
  );
}

/** `billpay returns send`: declared in src/cli/commands/returns.ts. */
export async function sendAction(opts: { config?: string; aggregator?: string; json?: boolean }): Promise<void> {
  const { loadConfig } = await import("../../config/config-file.js");
  const { ConfigError } = await import("../../config/zod-errors.js");
  const { outboxFor } = await import("../../returns/outbox.js");
  const { sendReturns } = await import("../../returns/send.js");
  let outboxes;
  try {
    const config = loadConfig(opts.config);
    const chosen = config.aggregators.filter((a) =>
      opts.aggregator ? a.id === opts.aggregator : a.source.type === "sftp" && a.source.outboundDir,
    );
    if (opts.aggregator && !chosen.length)
      throw new ConfigError(`no aggregator "${opts.aggregator}" in ${config.file}`);
    outboxes = chosen.map((agg) => ({ id: agg.id, ...outboxFor(agg) }));
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(BAD_INPUT, error.message);
    throw error;
  }
  const results = await withDatabase(async (db) => {
    const out: Record<string, { sent: string[]; recovered: string[] }> = {};
    for (const { id, outbox, outboundDir } of outboxes) {
      try {
        out[id] = await sendReturns(db, outbox, { aggregator: id, outboundDir });
      } finally {
        await outbox.close();
      }
    }
    return out;
  });
  if (opts.json) return printJson(results);
  for (const [id, r] of Object.entries(results))
    process.stdout.write(`${id}: ${r.sent.length} sent, ${r.recovered.length} found already on the server\n`);
}
