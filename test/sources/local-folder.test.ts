import { expect } from "chai";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig, type AggregatorConfig } from "../../src/config/config-file";
import { pollSource } from "../../src/sources/poll-sources";
import { MAPPINGS_DIR, SAMPLES_DIR } from "../../src/paths";
import { freshDatabase, type TestDatabase } from "../support/database";
import { dropFile, nachaSamples } from "../support/sftp-world";

describe("the local-folder source", () => {
  let t: TestDatabase;
  let dir: string;
  let n = 0;
  const [first] = nachaSamples();
  const local = (source: Record<string, unknown> = {}): AggregatorConfig =>
    parseConfig(
      {
        aggregators: {
          [`local-t${n++}`]: {
            mapping: path.join(MAPPINGS_DIR, "rpps.yaml"),
            source: {
              type: "local",
              dir: "inbound",
              pattern: "*.ach",
              archiveDir: "archive",
              errorDir: "error",
              minAgeSeconds: 0,
              settleMs: 50,
              ...source,
            },
          },
        },
      },
      path.join(dir, "billpay.yaml"),
    ).aggregators[0];
  const ls = (sub: string) => readdirSync(path.join(dir, sub)).sort();

  before(async () => {
    t = await freshDatabase();
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "billpay-local-"));
    mkdirSync(path.join(dir, "inbound"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("posts a stable file, archives it after the commit, and takes nothing on the next poll", async () => {
    const agg = local();
    dropFile(first, path.join(dir, "inbound"));
    const report = await pollSource(t.db, agg);
    expect(report.files.map((f) => f.status)).to.deep.equal(["posted"]);
    expect(report.location).to.equal(`file://${path.join(dir, "inbound")}`);
    expect(ls("archive")).to.deep.equal([path.basename(first)]);
    expect(ls("inbound")).to.deep.equal([]);
    expect((await pollSource(t.db, agg)).files).to.deep.equal([]);
  });

  it("moves a quarantined sample to the error folder", async () => {
    const agg = local({ pattern: "broken-*.ach" });
    dropFile(path.join(SAMPLES_DIR, "rpps", "broken-truncated.ach"), path.join(dir, "inbound"));
    const report = await pollSource(t.db, agg);
    expect(report.files.map((f) => f.status)).to.deep.equal(["quarantined"]);
    expect(ls("error")).to.deep.equal(["broken-truncated.ach"]);
  });

  it("leaves files in place with archiveDir: leave and remembers them in the ledger", async () => {
    const agg = local({ archiveDir: "leave", errorDir: undefined });
    dropFile(first, path.join(dir, "inbound"));
    expect((await pollSource(t.db, agg)).files.map((f) => f.status)).to.deep.equal(["posted"]);
    const again = await pollSource(t.db, agg);
    expect([again.files.length, again.known]).to.deep.equal([0, 1]);
    expect(ls("inbound")).to.deep.equal([path.basename(first)]);
  });

  it("takes at most maxFilesPerPoll files, oldest first, and the rest on the next poll", async () => {
    const agg = local({ maxFilesPerPoll: 1 });
    const samples = nachaSamples();
    dropFile(samples[0], path.join(dir, "inbound"), "older.ach", 7200);
    dropFile(samples[1], path.join(dir, "inbound"), "newer.ach", 3600);
    const report = await pollSource(t.db, agg);
    expect([report.files.map((f) => f.name), report.deferred]).to.deep.equal([["older.ach"], 1]);
    expect((await pollSource(t.db, agg)).files.map((f) => f.name)).to.deep.equal(["newer.ach"]);
  });

  it("reports a missing folder as a failed source", async () => {
    const agg = local({ dir: "nowhere" });
    const report = await pollSource(t.db, agg);
    expect(report.ok).to.equal(false);
    expect(report.error).to.match(/ENOENT/);
  });
});
