import { formatUsd } from "../../model";
import {
  MASK_EXPORT_FORMATS,
  maskRegistration,
  renderMaskRegistration,
  type MaskExportFormat,
} from "../../rules/account/mask-export";
import type { PayeePolicy } from "../../rules/payee-policy";
import { replayMasks, type MaskReplay, type ReplayCount } from "../../report/mask-replay";
import { renderTable } from "../../report/text-table";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";
import { CONFIG_ENV } from "../../config/config-env";
import { dateArgument, resolvePolicy } from "../rules-input";
import { BAD_INPUT, type PolicyOptions } from "../rules-options";

/** `billpay masks export --aggregator ID`: declared in src/cli/commands/masks.ts. */
export async function exportMasksAction(opts: PolicyOptions & { aggregator: string; format: string }): Promise<void> {
  const format = opts.format as MaskExportFormat;
  if (!MASK_EXPORT_FORMATS.includes(format)) {
    throw new CliExit(BAD_INPUT, `--format must be one of ${MASK_EXPORT_FORMATS.join(", ")} (got "${opts.format}")`);
  }
  const policy = await aggregatorPolicy(opts);
  process.stdout.write(renderMaskRegistration(maskRegistration(opts.aggregator, policy), format));
}

/** The policy in force for one aggregator: its mapping's, over the configured (or default) payee policy. */
async function aggregatorPolicy(opts: PolicyOptions & { aggregator: string }): Promise<PayeePolicy> {
  const { ConfigError } = await import("../../config/zod-errors.js");
  try {
    if (opts.config || process.env[CONFIG_ENV]) {
      const { loadConfig } = await import("../../config/config-file.js");
      const config = loadConfig(opts.config);
      const found = config.aggregators.find((a) => a.id === opts.aggregator);
      if (!found) {
        const known = config.aggregators.map((a) => a.id).join(", ");
        throw new ConfigError(`${config.file}: no aggregator "${opts.aggregator}" (configured: ${known})`);
      }
      return found.mapping.policy;
    }
    const { loadAggregatorMapping } = await import("../../config/mapping-loader.js");
    return loadAggregatorMapping(opts.aggregator, await resolvePolicy(opts)).policy;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(BAD_INPUT, error.message);
    throw error;
  }
}

/** `billpay masks replay --from D --to D [--policy FILE]`: declared in src/cli/commands/masks.ts. */
export async function replayMasksAction(
  opts: PolicyOptions & { from: string; to: string; policy?: string; json?: boolean },
): Promise<void> {
  const from = dateArgument(opts.from, "--from") as string;
  const to = dateArgument(opts.to, "--to") as string;
  if (from > to) throw new CliExit(BAD_INPUT, `--from ${from} is after --to ${to}`);
  const candidate = opts.policy ? await policyFile(opts.policy) : await resolvePolicy(opts);
  const replay = await withDatabase((db) => replayMasks(db, { from, to }, candidate));
  if (opts.json) return printJson({ policy: { masks: candidate.masks, checkDigit: candidate.checkDigit }, ...replay });
  process.stdout.write(`${renderReplay(replay, candidate)}\n`);
}

async function policyFile(file: string): Promise<PayeePolicy> {
  const [{ readYamlFile }, { parsePayeePolicy }, { ConfigError }] = await Promise.all([
    import("../../config/yaml-file.js"),
    import("../../config/payee-policy.js"),
    import("../../config/zod-errors.js"),
  ]);
  try {
    return parsePayeePolicy(readYamlFile(file, "policy file"), file);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(BAD_INPUT, error.message);
    throw error;
  }
}

function renderReplay(r: MaskReplay, candidate: Pick<PayeePolicy, "masks" | "checkDigit">): string {
  const table = (title: string, rows: ReplayCount[]) =>
    `${title}\n${
      rows.length
        ? renderTable(rows, [
            { header: "aggregator", value: (c) => c.aggregator },
            { header: "reason", value: (c) => c.reason },
            { header: "payments", value: (c) => String(c.payments), align: "right" },
            { header: "amount", value: (c) => formatUsd(c.cents), align: "right" },
          ])
        : "(none)"
    }`;
  const total = (rows: ReplayCount[]) => rows.reduce((n, c) => n + c.payments, 0);
  return [
    `Replayed ${r.replayed} payments settled ${r.from} to ${r.to} through masks ${candidate.masks.join(", ")}, check digit ${candidate.checkDigit}`,
    `${total(r.stopped)} exceptions would have been stopped at the bank; ${total(r.passed)} would still arrive; ${total(r.wronglyRefused)} good payments would have been refused.`,
    "",
    table("Stopped at the bank (by the reason they were exceptions):", r.stopped),
    "",
    table("Still arriving as exceptions:", r.passed),
    "",
    table("Good payments refused (by the candidate's reason):", r.wronglyRefused),
  ].join("\n");
}
