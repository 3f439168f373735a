import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { dryRun } from "../../src/ingest/dry-run";
import { loadAggregatorMapping } from "../../src/ingest/mapping-loader";
import { MAPPINGS_DIR, SAMPLES_DIR } from "../../src/paths";

export const GOLDEN_SUFFIX = ".expected.json";

export interface SampleFile {
  aggregator: string;
  file: string;
  golden: string;
}

/** Every sample file of every aggregator that has both a mapping and a sample folder. */
export function sampleFiles(only?: string): SampleFile[] {
  if (!existsSync(SAMPLES_DIR)) return [];
  const out: SampleFile[] = [];
  for (const aggregator of readdirSync(SAMPLES_DIR).sort()) {
    if (only && aggregator !== only) continue;
    const dir = path.join(SAMPLES_DIR, aggregator);
    if (!existsSync(path.join(MAPPINGS_DIR, `${aggregator}.yaml`))) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith(GOLDEN_SUFFIX) || name.startsWith(".") || /\.(md|txt\.md)$/i.test(name) || name === "README") continue;
      const file = path.join(dir, name);
      out.push({ aggregator, file, golden: `${file}${GOLDEN_SUFFIX}` });
    }
  }
  return out;
}

/** The golden form of a sample: what `dryRun` makes of it, as plain JSON. */
export async function goldenOf(sample: SampleFile): Promise<unknown> {
  const result = await dryRun(sample.file, loadAggregatorMapping(sample.aggregator));
  return JSON.parse(JSON.stringify({ ...result, file: path.basename(sample.file) }));
}
