import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { startHttp, type RunningHttp } from "../../src/service/http-server";
import { consoleState } from "../../src/service/service";
import { PROJECT_ROOT } from "../../src/paths";
import { closeDatabase } from "../../src/store/data-source";
import { runBillpay } from "../cli/run-billpay";
import { childEnv, freshDatabase, type TestDatabase } from "../support/database";
import { consoleApp, PASSWORD, postSignIn, setCookie, user } from "./http-session";

/** A self-signed certificate for 127.0.0.1, made by openssl for this run. */
function selfSigned(dir: string): { cert: string; key: string; certFile: string; keyFile: string } {
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  const r = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"].concat([
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]),
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certFile, keyFile };
}

/** A GET over HTTPS trusting only `ca`. */
function httpsGet(
  url: string,
  ca: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("console: bind rules, TLS and a proxy", function () {
  this.timeout(90_000);
  let t: TestDatabase;
  let dir: string;
  let pem: ReturnType<typeof selfSigned>;

  before(async () => {
    t = await freshDatabase();
    await user(t.db, "vera", "viewer");
    dir = mkdtempSync(path.join(tmpdir(), "billpay-tls-"));
    pem = selfSigned(dir);
  });
  let handedOver = false;
  after(async () => {
    if (handedOver && t?.dataDir) rmSync(t.dataDir, { recursive: true, force: true });
    else await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to listen beyond loopback without TLS or a proxy, and a certificate without its key", () => {
    const env = { ...childEnv(t), BILLPAY_HTTP_TOKEN: "a-token-for-the-api" };
    const plain = runBillpay(["console", "--host", "0.0.0.0", "--port", "0"], env);
    expect(plain.code).to.equal(2);
    expect(plain.stderr)
      .to.match(/refusing to listen on 0\.0\.0\.0 without TLS/)
      .and.match(/--behind-proxy/);
    const half = runBillpay(["console", "--host", "0.0.0.0", "--tls-cert", pem.certFile], env);
    expect(half.code).to.equal(2);
    expect(half.stderr).to.contain("--tls-cert and --tls-key go together");
    const host = runBillpay(["serve", "--host", "0.0.0.0", "--behind-proxy", "proxy.example"], env);
    expect(host.code).to.equal(2);
    expect(host.stderr).to.contain("IP address or CIDR range");
  });

  it("serves HTTPS with the given certificate, and its cookies are Secure", async () => {
    let http: RunningHttp | null = null;
    try {
      http = await startHttp(consoleState(t.db, "tls-test"), {
        host: "127.0.0.1",
        port: 0,
        tls: { cert: pem.cert, key: pem.key },
      });
      expect(http.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await httpsGet(`${http.url}/healthz`, pem.cert);
      expect(health.status).to.equal(200);
      const login = await httpsGet(`${http.url}/console/login`, pem.cert);
      expect(login.status).to.equal(200);
      const cookies = login.headers["set-cookie"] as string[];
      expect(cookies.find((c) => c.startsWith("billpay_login=")))
        .to.match(/; Secure/)
        .and.match(/HttpOnly/);
    } finally {
      await http?.close();
    }
  });

  it("believes X-Forwarded-Proto and -For from the named proxy only", async () => {
    const app = await consoleApp(t.db, { behindProxy: "10.1.1.1" });
    try {
      const viaProxy = await app.inject({
        url: "/console/login",
        remoteAddress: "10.1.1.1",
        headers: { "x-forwarded-proto": "https", "x-forwarded-for": "192.0.2.44" },
      });
      expect(setCookie(viaProxy, "billpay_login")!.line).to.match(/; Secure/);
      const direct = await app.inject({
        url: "/console/login",
        remoteAddress: "10.2.2.2",
        headers: { "x-forwarded-proto": "https" },
      });
      expect(setCookie(direct, "billpay_login")!.line).to.not.match(/Secure/);
      // The session records the client's address as the proxy names it.
      const signIn = await postSignIn(app, "vera", PASSWORD, "10.1.1.1", {
        "x-forwarded-proto": "https",
        "x-forwarded-for": "192.0.2.44",
      });
      expect(signIn.statusCode).to.equal(303);
      expect(setCookie(signIn, "billpay_session")!.line).to.match(/; Secure/);
      const [row] = (await t.db.query(`SELECT address FROM console_sessions ORDER BY created_at DESC LIMIT 1`)) as {
        address: string;
      }[];
      expect(row.address).to.equal("192.0.2.44");
    } finally {
      await app.close();
    }
  });

  it("runs `billpay console` over TLS from the command line", async () => {
    // The embedded database belongs to one process: hand it to the child.
    if (!t.url) {
      await closeDatabase(t.db);
      handedOver = true;
    }
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(PROJECT_ROOT, "src", "cli.ts"), "console", "--port", "0"].concat([
        "--tls-cert",
        pem.certFile,
        "--tls-key",
        pem.keyFile,
      ]),
      { cwd: PROJECT_ROOT, env: { ...childEnv(t), LOG_LEVEL: "info" }, stdio: ["ignore", "ignore", "pipe"] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = "";
        child.stderr.on("data", (c: Buffer) => {
          err += c.toString();
          const m = /"url":"(https:[^"]+)"/.exec(err);
          if (m) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`console exited ${code}: ${err}`)));
      });
      expect((await httpsGet(`${url}/healthz`, pem.cert)).body).to.contain('"status": "ok"');
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).to.equal(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
