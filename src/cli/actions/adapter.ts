import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { allAdapters } from "../../config/adapter-registry";
import { PROJECT_ROOT } from "../../paths";
import { CliExit, printJson } from "../exit";
import { adapterScaffold } from "../scaffold/adapter-templates";
import { renderTable } from "../../report/text-table";

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `billpay adapter new NAME`: declared in src/cli/commands/adapter.ts. */
export function newAdapterAction(name: string, options: { root: string; json?: boolean }): void {
  const written = scaffoldAdapter(name, options.root);
  if (options.json) return printJson({ adapter: name, files: written });
  process.stdout.write(`${written.map((f) => `created ${f}`).join("\n")}\n\nNext:\n`);
  process.stdout.write(
    [
      `  npx tsx src/cli.ts mapping check mappings/${name}.yaml sample-files/${name}/sample.txt`,
      `  npx tsx scripts/gen-mapping-schemas.ts`,
      `  npx mocha adapters/${name}/test/${name}.conformance.test.ts   # fails: no golden yet`,
      `  npx tsx scripts/update-goldens.ts ${name}                # then read the golden it wrote`,
      "",
    ].join("\n"),
  );
}

/** `billpay adapter list`. */
export function listAdaptersAction(options: { json?: boolean }): void {
  const rows = [...allAdapters().values()]
    .map((a) => ({ id: a.id, description: a.description, sniffs: typeof a.sniff === "function" }))
    .sort((a, b) => a.id.localeCompare(b.id));
  if (options.json) return printJson(rows);
  process.stdout.write(
    `${renderTable(rows, [
      { header: "id", value: (r) => r.id },
      { header: "sniff", value: (r) => (r.sniffs ? "yes" : "") },
      { header: "description", value: (r) => r.description },
    ])}\n`,
  );
}

/** Writes the scaffold, or nothing at all when the name is bad or any of its files exists. */
export function scaffoldAdapter(name: string, root: string): string[] {
  if (!NAME.test(name))
    throw new CliExit(
      2,
      `adapter name "${name}" must be lower-case letters, digits and dashes, starting with a letter`,
    );
  if (allAdapters().has(name) && path.resolve(root) === PROJECT_ROOT)
    throw new CliExit(2, `an adapter "${name}" already exists`);
  const files = adapterScaffold(name);
  const existing = files.map((f) => f.path).filter((p) => existsSync(path.join(root, p)));
  if (existing.length) throw new CliExit(2, `refusing to overwrite: ${existing.join(", ")}`);
  for (const file of files) {
    const target = path.join(root, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.text, { flag: "wx" });
  }
  return files.map((f) => f.path);
}
