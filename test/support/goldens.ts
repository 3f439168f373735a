import path from "node:path";
import { dryRun } from "../../src/ingest/dry-run";
import { loadAggregatorMapping } from "../../src/config/mapping-loader";
import { demoAggregators } from "../../src/demo/run-demo";
import { SAMPLES_DIR } from "../../src/paths";

export const GOLDEN_SUFFIX = ".expected.json";

export interface SampleFile {
  aggregator: string;
  file: string;
  golden: string;
}

/** Every sample file of every aggregator that has both a mapping and a sample folder (as the demo serves them). */
export function sampleFiles(only?: string): SampleFile[] {
  return demoAggregators()
    .filter((a) => !only || a.id === only)
    .flatMap((a) =>
      a.files.map((name) => {
        const file = path.join(SAMPLES_DIR, a.id, name);
        return { aggregator: a.id, file, golden: `${file}${GOLDEN_SUFFIX}` };
      }),
    );
}

/** The golden form of a sample: what `dryRun` makes of it, as plain JSON. */
export async function goldenOf(sample: SampleFile): Promise<unknown> {
  const result = await dryRun(sample.file, loadAggregatorMapping(sample.aggregator));
  return JSON.parse(JSON.stringify({ ...result, file: path.basename(sample.file) }));
}
