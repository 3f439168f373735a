import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { MAPPINGS_DIR, PROJECT_ROOT, SAMPLES_DIR } from "../../src/paths";
import { childEnv, freshDatabase, type TestDatabase } from "../support/database";
import { dropFile, nachaSamples } from "../support/sftp-world";

function billpay(t: TestDatabase, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "src", "cli.ts"), ...args], {
    env: childEnv(t, { LOG_LEVEL: "error" }),
    encoding: "utf8",
    cwd: PROJECT_ROOT,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("billpay ingest", function () {
  this.timeout(120_000);
  let t: TestDatabase;
  let dir: string;

  before(async () => {
    t = await freshDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "billpay-ingest-cli-"));
    mkdirSync(path.join(dir, "good"));
    mkdirSync(path.join(dir, "bad"));
    // The child opens the same embedded database: close ours first (one PGlite per folder).
    if (!t.url) await t.db.destroy();
  });
  after(async () => {
    await t?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const source = (sub: string) => ({
    type: "local",
    dir: sub,
    pattern: "*.ach",
    archiveDir: `${sub}/archive`,
    errorDir: `${sub}/error`,
    minAgeSeconds: 0,
    settleMs: 50,
  });
  const config = (aggregators: Record<string, unknown>) => {
    const file = path.join(dir, `config-${Object.keys(aggregators).join("-")}.yaml`);
    writeFileSync(file, stringify({ aggregators }));
    return file;
  };
  const mapping = path.join(MAPPINGS_DIR, "rpps.yaml");

  it("prints one line per file and a summary, exiting 0 when everything posted", () => {
    dropFile(nachaSamples()[0], path.join(dir, "good"));
    const r = billpay(t, ["ingest", "--config", config({ cligood: { mapping, source: source("good") } })]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^POSTED\s+cligood {2}\S+\.ach: \d+ payments, \$[\d,]+\.\d\d; → .*\/good\/archive\//m);
    expect(r.stdout).to.match(/1 file\(s\) from 1 source\(s\): 1 posted; \d+ payments, \$[\d,]+\.\d\d posted/);
  });

  it("exits 2 when a file was quarantined, with one JSON document under --json", () => {
    dropFile(path.join(SAMPLES_DIR, "rpps", "broken-truncated.ach"), path.join(dir, "bad"));
    const r = billpay(t, ["ingest", "--config", config({ clibad: { mapping, source: source("bad") } }), "--json"]);
    expect(r.status, r.stderr).to.equal(2);
    const doc = JSON.parse(r.stdout) as {
      exitCode: number;
      summary: { byStatus: Record<string, number> };
      sources: { files: { status: string; errors: unknown[] }[] }[];
    };
    expect(doc.exitCode).to.equal(2);
    expect(doc.summary.byStatus).to.deep.equal({ quarantined: 1 });
    expect(doc.sources[0].files[0].errors).to.have.length.greaterThan(0);
  });

  it("exits 1 when a source failed, after polling the others, and --aggregator picks one", () => {
    dropFile(nachaSamples()[1], path.join(dir, "good"));
    const file = config({
      clidown: { mapping, source: source("missing") },
      cligood2: { mapping, source: source("good") },
    });
    const r = billpay(t, ["ingest", "--config", file]);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/SOURCE FAILED clidown/);
    expect(r.stdout).to.match(/POSTED\s+cligood2/);
    const one = billpay(t, ["ingest", "--config", file, "--aggregator", "cligood2"]);
    expect(one.status, one.stderr).to.equal(0);
    expect(billpay(t, ["ingest", "--config", file, "--aggregator", "nope"]).stderr).to.match(
      /aggregator "nope" is not in/,
    );
  });

  it("names the key when the config is wrong", () => {
    const file = path.join(dir, "wrong.yaml");
    writeFileSync(
      file,
      "aggregators:\n  x:\n    source: { type: sftp, host: h, username: u, privateKeyEnv: K, remoteDir: /in, archiveDir: leave }\n",
    );
    const r = billpay(t, ["ingest", "--config", file]);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/aggregators\.x\.source\.hostKeySha256: is required/);
  });
});
