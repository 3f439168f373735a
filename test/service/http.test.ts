import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { closeDatabase } from "../../src/store/data-source";
import { childEnv, freshDatabase, type TestDatabase } from "../support/database";
import type { SftpWorld } from "../support/sftp-world";
import { killAll, spawnServe, startSftp, until, writeServeConfig, writeTestRppsFile } from "./harness";
import { parseExposition } from "./prometheus-parser";

/** One `serve` process (embedded or PostgreSQL, whichever the suite runs on): its HTTP side. */
describe("billpay serve over HTTP", function () {
  this.timeout(90_000);
  let t: TestDatabase;
  let world: SftpWorld;
  let dir: string;
  const token = "test-token-not-a-secret";

  before(async () => {
    t = await freshDatabase();
    // The embedded database is one process's: hand it to the child and watch it over HTTP only.
    if (!t.url) await closeDatabase(t.db);
    world = await startSftp();
    dir = mkdtempSync(path.join(tmpdir(), "billpay-serve-http-"));
  });
  after(async () => {
    await killAll();
    await world?.stop();
    if (t?.url) await t.close();
    else if (t?.dataDir) rmSync(t.dataDir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to listen beyond loopback without a bearer token", async () => {
    const config = writeServeConfig(dir, world);
    const env = childEnv(t);
    delete env.BILLPAY_HTTP_TOKEN;
    const serve = spawnServe("no-token", config, env, ["--host", "0.0.0.0"]);
    expect(await serve.exited).to.equal(2);
    expect(serve.stderr()).to.match(/without a bearer token/);
  });

  it("posts what the schedule finds, reports a broken source on /readyz and serves metrics and the API", async () => {
    const files = [await writeTestRppsFile(world.inbound, 1, 12), await writeTestRppsFile(world.inbound, 2, 7)];
    // A second source on a port where nothing listens: its polls fail.
    const config = writeServeConfig(dir, world, { extra: { broken: { port: 1, attempts: 1, timeoutSeconds: 2 } } });
    const serve = spawnServe("http-1", config, childEnv(t, { BILLPAY_HTTP_TOKEN: token }));
    const url = await serve.url;
    const auth = { authorization: `Bearer ${token}` };
    expect(
      serve.lines.some((l) => /single instance|several instances|share the polls/.test(String(l.message))),
    ).to.equal(true);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).to.equal(200);

    await until("both files posted", 30_000, async () => {
      const page = (await (await fetch(`${url}/api/files?status=posted`, { headers: auth })).json()) as {
        total: number;
      };
      return page.total === files.length;
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${serve.stderr().slice(-4000)}`);
    });
    const ready = await until("the broken source to be reported", 30_000, async () => {
      const res = await fetch(`${url}/readyz`, { headers: auth });
      const body = (await res.json()) as { sources: { aggregator: string; state: string; error: string | null }[] };
      const broken = body.sources.find((s) => s.aggregator === "broken");
      const rpps = body.sources.find((s) => s.aggregator === "rpps");
      return broken?.state === "failing" && rpps?.state === "ok" ? { status: res.status, body } : null;
    });
    expect(ready.status).to.equal(503);
    expect(ready.body.sources.find((s) => s.aggregator === "rpps")?.state).to.equal("ok");
    expect(ready.body.sources.find((s) => s.aggregator === "broken")?.error)
      .to.be.a("string")
      .that.is.not.equal("");
    // Without the token the verdict only.
    const bare = await fetch(`${url}/readyz`);
    expect(bare.status).to.equal(503);
    expect(await bare.json()).to.deep.equal({ ready: false });

    expect((await fetch(`${url}/metrics`)).status).to.equal(401);
    const metrics = await fetch(`${url}/metrics`, { headers: auth });
    expect(metrics.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
    const families = parseExposition(await metrics.text());
    const sample = (family: string, labels: Record<string, string>) =>
      families.get(family)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(sample("billpay_files", { aggregator: "rpps", status: "posted" })).to.equal(2);
    expect(families.get("billpay_payments")?.samples.reduce((n, s) => n + s.value, 0)).to.equal(19);
    expect(sample("billpay_payments_amount_cents", { aggregator: "rpps", status: "active" })).to.be.a("number");
    expect(sample("billpay_last_poll_ok", { aggregator: "broken" })).to.equal(0);
    expect(sample("billpay_last_successful_poll_timestamp_seconds", { aggregator: "rpps" })).to.be.greaterThan(
      Date.now() / 1000 - 120,
    );
    expect(families.get("billpay_poll_duration_seconds")?.type).to.equal("histogram");
    expect(families.has("billpay_exceptions_open")).to.equal(true);

    const page1 = (await (await fetch(`${url}/api/payments?limit=10`, { headers: auth })).json()) as {
      items: { account: string; amountCents: number }[];
      total: number;
      next: string | null;
    };
    expect(page1.total).to.equal(19);
    expect(page1.items).to.have.length(10);
    expect(page1.items.every((p) => /^\*{5}\d{4}$/.test(p.account))).to.equal(true);
    const page2 = (await (await fetch(`${url}/api/payments${page1.next}`, { headers: auth })).json()) as {
      items: unknown[];
      next: string | null;
    };
    expect(page2.items).to.have.length(9);
    expect(page2.next).to.equal(null);
    const apiFiles = (await (await fetch(`${url}/api/files?status=posted`, { headers: auth })).json()) as {
      items: { name: string; totalCents: number }[];
    };
    expect(apiFiles.items.map((f) => [f.name, f.totalCents]).sort()).to.deep.equal(
      files.map((f) => [f.name, f.totalCents]).sort(),
    );
    expect((await fetch(`${url}/api/exceptions`, { headers: auth })).status).to.equal(200);
    expect((await fetch(`${url}/api/payments?limit=0`, { headers: auth })).status).to.equal(400);
    expect((await fetch(`${url}/api/payments`, { method: "POST", headers: auth })).status).to.equal(405);

    serve.child.kill("SIGTERM");
    expect(await serve.exited).to.equal(0);
  });
});
