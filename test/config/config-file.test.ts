import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, parseConfig, resolveConfigPath } from "../../src/config/config-file";
import { ConfigError } from "../../src/config/zod-errors";
import { PROJECT_ROOT } from "../../src/paths";

const PIN = "SHA256:M+Ykk8onbCOrDvO+3M58TiOniIkrZ+PYosnYHrosYnY";
const sftp = (extra: Record<string, unknown> = {}) => ({
  type: "sftp",
  host: "sftp.example.net",
  username: "healthconnector",
  privateKeyEnv: "RPPS_KEY",
  hostKeySha256: PIN,
  remoteDir: "/outbound",
  archiveDir: "/outbound/archive",
  errorDir: "/outbound/error",
  ...extra,
});
const doc = (source: Record<string, unknown>, entry: Record<string, unknown> = {}) => ({
  aggregators: { rpps: { source, ...entry } },
});
const FILE = path.join(PROJECT_ROOT, "billpay.test.yaml");

function problem(d: unknown): string {
  try {
    parseConfig(d, FILE);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
}

describe("the configuration file", () => {
  it("loads the annotated example shipped in examples/", () => {
    const config = loadConfig(path.join(PROJECT_ROOT, "examples", "billpay.example.yaml"));
    const rpps = config.aggregators.find((a) => a.id === "rpps");
    expect(rpps?.mapping.adapter.id).to.equal("nacha");
    expect(rpps?.schedule).to.equal("*/30 6-20 * * 1-5");
    expect(rpps?.source).to.include({
      type: "sftp",
      port: 22,
      pattern: "*.ach",
      minAgeSeconds: 60,
      doneSuffix: ".done",
      maxFilesPerPoll: 100,
      maxFileBytes: 2147483648,
    });
    expect(config.aggregators.find((a) => a.id === "bank-share")?.source).to.include({
      type: "local",
      dir: "/mnt/bank-share/inbound",
    });
  });

  it("fills the defaults: port 22, pattern *, a minute's age, 100 files, 2 GiB", () => {
    const [agg] = parseConfig(doc(sftp()), FILE).aggregators;
    expect(agg.source).to.include({
      port: 22,
      pattern: "*",
      minAgeSeconds: 60,
      maxFilesPerPoll: 100,
      maxFileBytes: 2 * 1024 ** 3,
    });
    expect(agg.mapping.file).to.equal(path.join(PROJECT_ROOT, "mappings", "rpps.yaml"));
  });

  it("requires the pinned host key and names the key when it is missing or malformed", () => {
    expect(problem(doc(sftp({ hostKeySha256: undefined })))).to.match(
      /aggregators\.rpps\.source\.hostKeySha256: is required/,
    );
    expect(problem(doc(sftp({ hostKeySha256: "MD5:ab:cd" })))).to.match(
      /aggregators\.rpps\.source\.hostKeySha256: must look like "SHA256:"/,
    );
  });

  it("refuses secrets in the file itself", () => {
    expect(problem(doc(sftp({ password: "hunter2" })))).to.match(
      /source\.password: secrets never sit in the config file/,
    );
    expect(problem(doc(sftp({ privateKey: "-----BEGIN" })))).to.match(/source\.privateKey: secrets never sit/);
    expect(problem(doc(sftp({ privateKeyEnv: undefined })))).to.match(
      /privateKeyFile: give exactly one of privateKeyFile or privateKeyEnv/,
    );
  });

  it("names the key of a wrong type, a relative remote folder, a .. step or an unknown key", () => {
    expect(problem(doc(sftp({ port: "22" })))).to.match(/aggregators\.rpps\.source\.port:/);
    expect(problem(doc(sftp({ remoteDir: "outbound" })))).to.match(/source\.remoteDir: must be an absolute path/);
    expect(problem(doc(sftp({ archiveDir: "/outbound/../etc" })))).to.match(/source\.archiveDir/);
    expect(problem(doc(sftp({ pattern: "sub/*.ach" })))).to.match(
      /source\.pattern: is matched against file names only/,
    );
    expect(problem(doc(sftp({ hostname: "x" })))).to.match(/aggregators\.rpps\.source/);
  });

  it("accepts `leave` for a read-only dropbox and then needs no error folder", () => {
    const [agg] = parseConfig(doc(sftp({ archiveDir: "leave", errorDir: undefined })), FILE).aggregators;
    expect(agg.source).to.include({ archiveDir: "leave", errorDir: "leave" });
    expect(problem(doc(sftp({ errorDir: undefined })))).to.match(
      /source\.errorDir: is required when archiveDir is a folder/,
    );
  });

  it("fails at load on a bad schedule, a missing mapping, or an adapter that disagrees with the mapping", () => {
    expect(problem(doc(sftp(), { schedule: "every tuesday" }))).to.match(
      /aggregators\.rpps\.schedule: is not a valid cron pattern/,
    );
    expect(problem(doc(sftp(), { mapping: "mappings/nope.yaml" }))).to.match(
      /aggregators\.rpps\.mapping: mapping file mappings\/nope\.yaml not found/,
    );
    expect(problem(doc(sftp(), { adapter: "csv" }))).to.match(
      /aggregators\.rpps\.adapter: is "csv" but .* says adapter "nacha"/,
    );
  });

  it("resolves a local source's folders and a mapping path from the config file's folder", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "billpay-config-"));
    try {
      writeFileSync(path.join(dir, "mine.yaml"), readFileSync(path.join(PROJECT_ROOT, "mappings", "rpps.yaml")));
      const file = path.join(dir, "billpay.yaml");
      writeFileSync(
        file,
        "aggregators:\n  mybank:\n    mapping: mine.yaml\n    source: { type: local, dir: in, archiveDir: done, errorDir: leave }\n",
      );
      const [agg] = loadConfig(file).aggregators;
      expect(agg.mapping.file).to.equal(path.join(dir, "mine.yaml"));
      expect(agg.source).to.include({
        dir: path.join(dir, "in"),
        archiveDir: path.join(dir, "done"),
        errorDir: "leave",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes its path from --config, else BILLPAY_CONFIG, else says how to give one", () => {
    const saved = process.env.BILLPAY_CONFIG;
    try {
      delete process.env.BILLPAY_CONFIG;
      expect(() => resolveConfigPath()).to.throw(/pass --config FILE or set BILLPAY_CONFIG/);
      process.env.BILLPAY_CONFIG = "/etc/billpay.yaml";
      expect(resolveConfigPath()).to.equal("/etc/billpay.yaml");
      expect(resolveConfigPath("/tmp/other.yaml")).to.equal("/tmp/other.yaml");
    } finally {
      if (saved === undefined) delete process.env.BILLPAY_CONFIG;
      else process.env.BILLPAY_CONFIG = saved;
    }
  });

  it("keeps the payee section as the policy every mapping starts from", () => {
    const config = parseConfig({ payee: { leadWindow: { min: 2, max: 6 } }, ...doc(sftp()) }, FILE);
    expect(config.payee.leadWindow).to.deep.equal({ min: 2, max: 6 });
    expect(config.aggregators[0].mapping.policy.leadWindow).to.deep.equal({ min: 2, max: 6 });
  });
});
