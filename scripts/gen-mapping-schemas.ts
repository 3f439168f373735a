// Writes mappings/schema/<adapter>.schema.json from every adapter's zod mappingSchema.
// Usage: npx tsx scripts/gen-mapping-schemas.ts [--check]   (--check: exit 1 when any is out of date)
import path from "node:path";
import { syncMappingSchemas } from "../src/mapping-schema/json-schema";

const check = process.argv.includes("--check");
const statuses = syncMappingSchemas({ write: !check });
for (const s of statuses) {
  const verb = s.state === "current" ? "up to date" : check ? `${s.state}` : "written";
  process.stdout.write(`${path.relative(process.cwd(), s.file)}: ${verb}\n`);
}
if (check && statuses.some((s) => s.state !== "current")) {
  process.stderr.write("mapping schemas are out of date: run npx tsx scripts/gen-mapping-schemas.ts\n");
  process.exitCode = 1;
}
