// Regenerates sample-files/<aggregator>/<file>.expected.json from the current parsers and rules.
// Read the diff before committing: a golden is a claim about what the file means.
// Usage: npx tsx scripts/update-goldens.ts [aggregator]
import "reflect-metadata";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { goldenOf, sampleFiles } from "../test/support/goldens";

async function main(): Promise<void> {
  const samples = sampleFiles(process.argv[2]);
  for (const sample of samples) {
    const golden = await goldenOf(sample);
    writeFileSync(sample.golden, `${JSON.stringify(golden, null, 2)}\n`);
    const g = golden as { status: string; payments: unknown[]; errors: unknown[] };
    process.stdout.write(
      `${path.relative(process.cwd(), sample.golden)}: ${g.status}, ${g.payments.length} payments, ${g.errors.length} errors\n`,
    );
  }
  if (!samples.length) process.stdout.write("no sample files found\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
