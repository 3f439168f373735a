import { existsSync } from "node:fs";
import path from "node:path";
import { findAdapter } from "./adapter-registry";
import { DEFAULT_PAYEE_POLICY } from "../rules/payee-policy-defaults";
import { type PayeePolicy } from "../rules/payee-policy";
import { ConfigError, describeZodError } from "./zod-errors";
import { MAPPINGS_DIR } from "../paths";
import type { RemittanceAdapter } from "../adapter-kit/adapter";
import { BaseMapping } from "../adapter-kit/mapping";
import { readYamlFile } from "./yaml-file";

/** A mapping file, checked against its adapter's schema, with the payee policy it implies. */
export interface LoadedMapping {
  aggregator: string;
  file: string;
  adapter: RemittanceAdapter;
  mapping: unknown;
  policy: PayeePolicy;
}

export function loadMappingFile(
  file: string,
  aggregator?: string,
  basePolicy: PayeePolicy = DEFAULT_PAYEE_POLICY,
): LoadedMapping {
  const doc = readYamlFile(file, "mapping file");
  const base = BaseMapping.safeParse(doc);
  if (!base.success) throw describeZodError(file, base.error);
  let adapter: RemittanceAdapter;
  try {
    adapter = findAdapter(base.data.adapter);
  } catch (error) {
    throw new ConfigError(`${file}: adapter: ${(error as Error).message}`);
  }
  const full = adapter.mappingSchema.safeParse(doc);
  if (!full.success) throw describeZodError(file, full.error);
  const payee = base.data.payee ?? {};
  return {
    aggregator: aggregator ?? path.basename(file).replace(/\.ya?ml$/, ""),
    file,
    adapter,
    mapping: full.data,
    policy: { ...basePolicy, ...payee },
  };
}

/** The shipped mapping for an aggregator id: mappings/<id>.yaml. */
export function loadAggregatorMapping(aggregator: string, basePolicy?: PayeePolicy): LoadedMapping {
  const file = path.join(MAPPINGS_DIR, `${aggregator}.yaml`);
  if (!existsSync(file)) {
    throw new ConfigError(`unknown aggregator "${aggregator}": no ${path.relative(process.cwd(), file)}`);
  }
  return loadMappingFile(file, aggregator, basePolicy);
}
