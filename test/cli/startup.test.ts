import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT, SAMPLES_DIR } from "../../src/paths";

/**
 * The CLI starts at once: a command's implementation loads only when that command runs, so `--help`
 * and the commands that need no database load no ORM, database driver or SFTP code. Each case runs
 * the real entry point (main) in a fresh process and lists the files in require.cache at exit.
 */

const NO_DATABASE = [
  "/node_modules/typeorm/",
  "/node_modules/pg/",
  "/node_modules/pg-boss/",
  "/node_modules/@electric-sql/",
  "/node_modules/ssh2",
  "/node_modules/reflect-metadata/",
  "/node_modules/fastify/",
  "/node_modules/@fastify/",
];

// The parent prints the CLI's own output on stdout and stderr; the list goes last, on its own line.
const PROBE = `
process.on("exit", () => {
  require("node:fs").writeSync(2, "\\nLOADED " + JSON.stringify(Object.keys(require.cache)) + "\\n");
});
require(process.env.PROBE_CLI).main(["node", "billpay", ...JSON.parse(process.env.PROBE_ARGS)]).then((code) => {
  process.exitCode = code;
});
`;

function loadedBy(args: string[]): { code: number; loaded: string[]; stdout: string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PROBE_CLI: path.join(PROJECT_ROOT, "src", "cli.ts"),
    PROBE_ARGS: JSON.stringify(args),
  };
  delete env.BILLPAY_CONFIG;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", PROBE], {
    cwd: PROJECT_ROOT,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  const line = r.stderr.split("\n").find((l) => l.startsWith("LOADED "));
  expect(line, r.stderr).to.be.a("string");
  return { code: r.status ?? -1, loaded: JSON.parse((line as string).slice("LOADED ".length)), stdout: r.stdout };
}

/** The packages of NO_DATABASE among the loaded files, by name (a short message when one is there). */
function heavy(loaded: string[]): string[] {
  const hits = loaded.filter((file) => NO_DATABASE.some((dir) => file.includes(dir)));
  const packageOf = (file: string) => {
    const [scope, name] = file.split("/node_modules/").pop()!.split("/");
    return scope.startsWith("@") ? `${scope}/${name}` : scope;
  };
  return [...new Set(hits.map(packageOf))].sort();
}

describe("cli startup: what each command loads", () => {
  it("--help loads neither the database code nor the logger or schemas", () => {
    const run = loadedBy(["--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include("check-account");
    expect(heavy(run.loaded)).to.deep.equal([]);
    const light = run.loaded.filter((f) => /\/node_modules\/(winston|zod|yaml)\//.test(f));
    expect(light).to.deep.equal([]);
  });

  it("the help of serve, console and users loads no HTTP server, database or ORM", () => {
    for (const args of [
      ["serve", "--help"],
      ["console", "--help"],
      ["users", "add", "--help"],
    ]) {
      const run = loadedBy(args);
      expect(run.code, args.join(" ")).to.equal(0);
      expect(run.stdout).to.contain("Usage: billpay");
      expect(heavy(run.loaded), args.join(" ")).to.deep.equal([]);
    }
  });

  for (const args of [
    ["check-account", "712345678"],
    ["calendar", "2027"],
    ["timing", "--coverage", "2027-03"],
    ["parse", path.join(SAMPLES_DIR, "rpps", "normal-day.ach"), "--aggregator", "rpps"],
  ]) {
    it(`${args[0]} runs without loading typeorm, pg, PGlite, ssh2 or pg-boss`, () => {
      const run = loadedBy(args);
      expect(run.code).to.equal(0);
      expect(run.stdout).not.to.equal("");
      expect(heavy(run.loaded)).to.deep.equal([]);
    });
  }

  for (const args of [
    ["check-account", "712345678"],
    ["timing", "--coverage", "2027-03"],
  ]) {
    it(`${args[0]} on the default policy loads neither the logger nor the schemas`, () => {
      const run = loadedBy(args);
      expect(run.code).to.equal(0);
      expect(run.loaded.filter((f) => /\/node_modules\/(winston|zod)\//.test(f))).to.deep.equal([]);
    });
  }

  it("check-account with a flag loads the policy schema to check it (the probe sees zod)", () => {
    const run = loadedBy(["check-account", "712345678", "--check-digit", "none"]);
    expect(run.code).to.equal(0);
    expect(run.loaded.some((f) => f.includes("/node_modules/zod/"))).to.equal(true);
  });

  it("a database command does load the ORM (the probe sees what it looks for)", () => {
    // The action's module loads with its imports; the missing file ends it before the database opens.
    const run = loadedBy(["ingest-file", path.join(PROJECT_ROOT, "no-such-file.ach"), "--aggregator", "rpps"]);
    expect(run.code).to.equal(1);
    expect(heavy(run.loaded)).to.include("typeorm");
  });
});
