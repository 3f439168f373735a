import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { RemittanceAdapter } from "../adapter-kit/adapter";
import type { ConformanceHooks, FamilyConformanceHooks } from "../adapter-kit/conformance-hooks";
import { ADAPTERS_DIR } from "../paths";

/**
 * Format families are discovered from adapters/<family>/index.(ts|js), each exporting `adapters`
 * (one or several RemittanceAdapters), so that a scaffolded family (`billpay adapter new`) works
 * without editing a registry.
 */
export interface AdapterFamily {
  /** The folder name under adapters/. */
  name: string;
  dir: string;
  adapters: readonly RemittanceAdapter[];
}

interface Registry {
  families: AdapterFamily[];
  byId: Map<string, { adapter: RemittanceAdapter; family: AdapterFamily }>;
}

let cache: Registry | null = null;

/** Loads a module by path at run time, which a static import cannot do. */
function requireFile<T>(file: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

function moduleIn(dir: string, base: string): string | undefined {
  return [".ts", ".js"].map((ext) => path.join(dir, base + ext)).find((f) => existsSync(f));
}

function discover(): Registry {
  const registry: Registry = { families: [], byId: new Map() };
  for (const entry of readdirSync(ADAPTERS_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(ADAPTERS_DIR, entry.name);
    const index = moduleIn(dir, "index");
    if (!index) continue;
    const { adapters } = requireFile<{ adapters?: readonly RemittanceAdapter[] }>(index);
    if (!Array.isArray(adapters) || adapters.length === 0) {
      throw new Error(`${index} does not export \`adapters\` (a list of one or more adapters)`);
    }
    const family: AdapterFamily = { name: entry.name, dir, adapters };
    for (const adapter of adapters) {
      const other = registry.byId.get(adapter.id);
      if (other)
        throw new Error(`two adapters claim the id "${adapter.id}" (families ${other.family.name} and ${family.name})`);
      registry.byId.set(adapter.id, { adapter, family });
    }
    registry.families.push(family);
  }
  return registry;
}

function registry(): Registry {
  cache ??= discover();
  return cache;
}

export function allFamilies(): readonly AdapterFamily[] {
  return registry().families;
}

export function allAdapters(): Map<string, RemittanceAdapter> {
  return new Map([...registry().byId].map(([id, found]) => [id, found.adapter]));
}

function lookup(id: string): { adapter: RemittanceAdapter; family: AdapterFamily } {
  const found = registry().byId.get(id);
  if (!found) throw new Error(`no adapter "${id}"; known: ${[...registry().byId.keys()].sort().join(", ")}`);
  return found;
}

export function findAdapter(id: string): RemittanceAdapter {
  return lookup(id).adapter;
}

export function familyOf(adapterId: string): AdapterFamily {
  return lookup(adapterId).family;
}

/** The conformance hooks a family declares for one of its adapters (adapters/<family>/conformance.ts), else none. */
export function conformanceHooksFor(adapterId: string): ConformanceHooks {
  const file = moduleIn(familyOf(adapterId).dir, "conformance");
  if (!file) return {};
  return requireFile<{ conformanceHooks?: FamilyConformanceHooks }>(file).conformanceHooks?.[adapterId] ?? {};
}
