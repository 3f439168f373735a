import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { findAdapter } from "../adapter-registry";
import { DEFAULT_PAYEE_POLICY, type PayeePolicy } from "../config/payee-policy";
import { ConfigError, describeZodError } from "../config/zod-errors";
import { MAPPINGS_DIR } from "../paths";
import type { RemittanceAdapter } from "./adapter";
import { BaseMapping } from "./mapping";

/** A mapping file, checked against its adapter's schema, with the payee policy it implies. */
export interface LoadedMapping {
  aggregator: string;
  file: string;
  adapter: RemittanceAdapter;
  mapping: unknown;
  policy: PayeePolicy;
}

export function loadMappingFile(file: string, aggregator?: string, basePolicy: PayeePolicy = DEFAULT_PAYEE_POLICY): LoadedMapping {
  if (!existsSync(file)) throw new ConfigError(`mapping file ${file} does not exist`);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
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
