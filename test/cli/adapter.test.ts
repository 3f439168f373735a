import { expect } from "chai";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/paths";
import { runBillpay } from "./run-billpay";

const SCAFFOLD = [
  "adapters/acme-flat/index.ts",
  "mappings/acme-flat.yaml",
  "sample-files/acme-flat/sample.txt",
  "adapters/acme-flat/test/acme-flat.conformance.test.ts",
];

/**
 * A throwaway project root that shares this one's code through symlinks, so a scaffolded adapter
 * can be discovered and tested there without touching the real tree. Node is run with
 * --preserve-symlinks so that paths.ts finds the throwaway root, not this one.
 */
function throwawayRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), "billpay-scaffold-"));
  for (const entry of ["src", "node_modules", "scripts", "package.json", "tsconfig.json", ".mocharc.json"]) {
    symlinkSync(path.join(PROJECT_ROOT, entry), path.join(root, entry));
  }
  mkdirSync(path.join(root, "test"));
  for (const dir of ["support", "conformance"])
    symlinkSync(path.join(PROJECT_ROOT, "test", dir), path.join(root, "test", dir));
  return root;
}

function runIn(root: string, script: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: "--preserve-symlinks --preserve-symlinks-main" };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, [path.join(root, script), ...args], { cwd: root, env, encoding: "utf8" });
  return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

describe("billpay adapter", () => {
  let root: string;
  beforeEach(() => (root = throwawayRoot()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("new writes an adapter, its mapping, a sample and a conformance test", () => {
    const r = runBillpay(["adapter", "new", "acme-flat", "--root", root, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect((JSON.parse(r.stdout) as { files: string[] }).files).to.deep.equal(SCAFFOLD);
    for (const f of SCAFFOLD) expect(existsSync(path.join(root, f)), f).to.equal(true);
    expect(readFileSync(path.join(root, "mappings/acme-flat.yaml"), "utf8")).to.match(/^adapter: acme-flat$/m);
  });

  it("new refuses to overwrite any existing file and writes nothing then", () => {
    mkdirSync(path.join(root, "mappings"));
    writeFileSync(path.join(root, "mappings/acme-flat.yaml"), "mine\n");
    const r = runBillpay(["adapter", "new", "acme-flat", "--root", root]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("refusing to overwrite: mappings/acme-flat.yaml");
    expect(readFileSync(path.join(root, "mappings/acme-flat.yaml"), "utf8")).to.equal("mine\n");
    expect(existsSync(path.join(root, "adapters"))).to.equal(false);
  });

  it("new refuses a name that is not lower-case letters, digits and dashes", () => {
    const r = runBillpay(["adapter", "new", "../Evil", "--root", root]);
    expect(r.code).to.equal(2);
    expect(readdirSync(root).sort()).to.deep.equal([
      ".mocharc.json",
      "node_modules",
      "package.json",
      "scripts",
      "src",
      "test",
      "tsconfig.json",
    ]);
  });

  it("new refuses the id of an adapter that exists", () => {
    const r = runBillpay(["adapter", "new", "csv"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('an adapter "csv" already exists');
  });

  it("list shows the discovered adapters, the mapping-only families among them", () => {
    const r = runBillpay(["adapter", "list", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const ids = (JSON.parse(r.stdout) as { id: string }[]).map((a) => a.id);
    expect(ids).to.include.members(["csv", "fixed-width"]);
  });

  it("the scaffolded conformance test fails until the golden is written, then passes", function () {
    this.timeout(180_000);
    expect(runBillpay(["adapter", "new", "acme-flat", "--root", root]).code).to.equal(0);
    const mocha = [
      "node_modules/mocha/bin/mocha.js",
      ["adapters/acme-flat/test/acme-flat.conformance.test.ts"],
    ] as const;
    const before = runIn(root, mocha[0], [...mocha[1]]);
    expect(before.code, before.out).to.not.equal(0);
    expect(before.out).to.include("no golden yet; review, then run: npx tsx scripts/update-goldens.ts acme-flat");
    const goldens = runIn(root, "node_modules/tsx/dist/cli.mjs", ["scripts/update-goldens.ts", "acme-flat"]);
    expect(goldens.out).to.include("sample.txt.expected.json: ok, 4 payments, 0 errors");
    const after = runIn(root, mocha[0], [...mocha[1]]);
    expect(after.code, after.out).to.equal(0);
    expect(existsSync(path.join(PROJECT_ROOT, "adapters", "acme-flat")), "the real tree was touched").to.equal(false);
  });
});
