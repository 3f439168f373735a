import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig } from "../../src/config/config-file";
import { ingestFile } from "../../src/ingest/pipeline";
import { MAPPINGS_DIR, SAMPLES_DIR } from "../../src/paths";
import { buildReturns } from "../../src/returns/build";
import { outboxFor } from "../../src/returns/outbox";
import { sendReturns, type SendResult } from "../../src/returns/send";
import { EmbeddedScheduler } from "../../src/service/embedded-scheduler";
import { ServiceMetrics } from "../../src/service/metrics";
import { freshDatabase } from "../support/database";
import { DrillChild, DrillDatabase } from "../support/kill-drill";
import { opensshUnavailable } from "../support/openssh";
import { startWorld, worldSource, type SftpWorld } from "../support/sftp-world";

/**
 * `returns send` against a real OpenSSH server: a file goes up once under a temporary name and is
 * renamed; a second send uploads nothing; a sender killed with -9 between the upload and the
 * commit leaves `sending`, and the next send finds the file on the server and records it sent.
 */
describe("sending return files over SFTP (OpenSSH), exactly once", function () {
  this.timeout(120_000);
  const server = process.env.DATABASE_URL ?? null;
  let world: SftpWorld;
  let d: DrillDatabase;
  let configFile: string;
  let outboundDir: string;
  let built: { name: string; text: string };

  const ledger = async (name: string) =>
    (
      (await d.db.query(`SELECT send_status, remote_path FROM outbound_files WHERE name = $1`, [name])) as {
        send_status: string;
        remote_path: string | null;
      }[]
    )[0];
  const send = async (): Promise<SendResult> => {
    const agg = parseConfig(JSON.parse(readFileSync(configFile, "utf8")), configFile).aggregators[0];
    const { outbox, outboundDir: dir } = outboxFor(agg);
    try {
      return await sendReturns(d.db, outbox, { aggregator: "rpps", outboundDir: dir });
    } finally {
      await outbox.close();
    }
  };

  before(async function () {
    const why = opensshUnavailable();
    if (why) return this.skip();
    world = await startWorld("openssh");
    const t = await freshDatabase();
    d = new DrillDatabase(t.db, t.url, t.dataDir);
    await ingestFile(d.db, { aggregator: "rpps", path: path.join(SAMPLES_DIR, "rpps", "normal-day.ach") });
    const result = await buildReturns(d.db, { aggregator: "rpps", on: "2030-01-02", at: "0900", by: "test" });
    if (!result.file) throw new Error("nothing to return in normal-day.ach");
    built = result.file;
    outboundDir = `${world.remoteInbound}/outbound`;
    configFile = path.join(tmpdir(), `billpay-returns-send-${process.pid}.json`);
    const source = worldSource(world, { outboundDir });
    const doc = { aggregators: { rpps: { mapping: path.join(MAPPINGS_DIR, "rpps.yaml"), source } } };
    writeFileSync(configFile, JSON.stringify(doc));
  });
  after(async () => {
    await d?.dispose(server);
    await world?.stop();
  });

  it("survives kill -9 between upload and commit: the next send finds the file and uploads nothing", async () => {
    await d.handOver();
    const child = new DrillChild(["send-returns", configFile, "rpps", "hang"], d.childEnv());
    await child.waitFor(new RegExp(`^uploaded ${built.name.replace(/\./g, "\\.")}$`));
    expect(await child.kill()).to.equal(true);
    await d.takeBack();
    const remote = world.local(`${outboundDir}/${built.name}`);
    expect(await ledger(built.name)).to.deep.equal({
      send_status: "sending",
      remote_path: `${outboundDir}/${built.name}`,
    });
    const uploaded = statSync(remote);
    expect(readFileSync(remote, "latin1")).to.equal(built.text);

    expect(await send()).to.deep.equal({ sent: [], recovered: [built.name] });
    expect((await ledger(built.name)).send_status).to.equal("sent");
    const after = statSync(remote);
    expect([after.ino, after.mtimeMs]).to.deep.equal([uploaded.ino, uploaded.mtimeMs]);
  });

  it("sends nothing the second time, and leaves no temporary file", async () => {
    expect(await send()).to.deep.equal({ sent: [], recovered: [] });
    const names = readdirSync(world.local(outboundDir));
    expect(names).to.deep.equal([built.name]);
  });

  it("uploads again a file left `sending` that never reached the server", async () => {
    const name = built.name.replace(/\.ach$/, "-b.ach");
    await d.db.query(
      `INSERT INTO outbound_files (id, aggregator, kind, name, content, size_bytes, sha256, entry_count, total_cents, built_on, send_status, remote_path)
       SELECT gen_random_uuid(), aggregator, kind, $2, content, size_bytes, sha256, entry_count, total_cents, built_on, 'sending', $3
         FROM outbound_files WHERE name = $1`,
      [built.name, name, `${outboundDir}/${name}`],
    );
    expect(existsSync(world.local(`${outboundDir}/${name}`))).to.equal(false);
    expect(await send()).to.deep.equal({ sent: [name], recovered: [] });
    expect(readFileSync(world.local(`${outboundDir}/${name}`), "latin1")).to.equal(built.text);
    expect(await send()).to.deep.equal({ sent: [], recovered: [] });
  });

  it("is sent by the service on the aggregator's schedule, after its poll", async () => {
    const name = built.name.replace(/\.ach$/, "-c.ach");
    await d.db.query(
      `INSERT INTO outbound_files (id, aggregator, kind, name, content, size_bytes, sha256, entry_count, total_cents, built_on)
       SELECT gen_random_uuid(), aggregator, kind, $2, content, size_bytes, sha256, entry_count, total_cents, built_on
         FROM outbound_files WHERE name = $1`,
      [built.name, name],
    );
    const config = parseConfig(JSON.parse(readFileSync(configFile, "utf8")), configFile);
    const scheduler = new EmbeddedScheduler(d.db, config, new ServiceMetrics("returns-test", "embedded"));
    await scheduler.tick(config.aggregators[0]);
    expect(readFileSync(world.local(`${outboundDir}/${name}`), "latin1")).to.equal(built.text);
    expect((await ledger(name)).send_status).to.equal("sent");
  });
});
