import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { RemittanceAdapter } from "./ingest/adapter";
import { ADAPTERS_DIR } from "./paths";

/**
 * Adapters are discovered from adapters/<id>/index.(ts|js), each exporting `adapter`, so that a
 * scaffolded adapter (`billpay adapter new`) works without editing a registry.
 */
let cache: Map<string, RemittanceAdapter> | null = null;

export function allAdapters(): Map<string, RemittanceAdapter> {
  if (cache) return cache;
  const found = new Map<string, RemittanceAdapter>();
  for (const entry of readdirSync(ADAPTERS_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(ADAPTERS_DIR, entry.name);
    const index = ["index.ts", "index.js"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
    if (!index) continue;
    // Discovery loads modules by path at run time, which a static import cannot do.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(index) as { adapter?: RemittanceAdapter };
    if (!mod.adapter) throw new Error(`${index} does not export \`adapter\``);
    if (found.has(mod.adapter.id)) throw new Error(`two adapters claim the id "${mod.adapter.id}"`);
    found.set(mod.adapter.id, mod.adapter);
  }
  cache = found;
  return found;
}

export function findAdapter(id: string): RemittanceAdapter {
  const adapter = allAdapters().get(id);
  if (!adapter) {
    throw new Error(`no adapter "${id}"; known: ${[...allAdapters().keys()].sort().join(", ")}`);
  }
  return adapter;
}
