import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/paths";

/** The cookies a response sets, as a Cookie header's name=value pairs. */
function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((line) => line.split(";")[0]);
}

function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no CSRF field on the page");
  return m[1];
}

describe("npm run demo -- --serve: the console left running over the demo's data", function () {
  this.timeout(240_000);
  let child: ChildProcess | null = null;
  let stdout = "";

  after(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("prints the table, the address and a demo user's password; the user signs in and sees the queue", async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(PROJECT_ROOT, "src", "cli.ts"), "demo", "--fresh", "--serve", "--port", "0"],
      { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no console line in:\n${stdout}`)), 200_000);
      child?.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const m = /console: (http:\/\/127\.0\.0\.1:\d+)\/console\nsign in as (\S+) with password (\S+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      child?.on("exit", (code) => reject(new Error(`demo exited (${code}) before serving:\n${stdout}`)));
    });
    const [, base, name, password] = ready;
    expect(stdout).to.include("open exceptions by reason:");
    expect(stdout.indexOf("open exceptions by reason:")).to.be.lessThan(stdout.indexOf("console: "));

    const form = await fetch(`${base}/console/login`);
    const login = cookiesOf(form);
    const signedIn = await fetch(`${base}/console/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: login.join("; ") },
      body: new URLSearchParams({ _csrf: csrfOf(await form.text()), name, password, next: "/console/exceptions" }),
    });
    expect(signedIn.status).to.equal(303);
    const session = cookiesOf(signedIn).find((c) => c.startsWith("billpay_session="));
    expect(session).to.be.a("string");
    const queue = await fetch(`${base}/console/exceptions`, { headers: { cookie: session as string } });
    expect(queue.status).to.equal(200);
    const html = await queue.text();
    expect(html).to.include("Exception queue").and.include('class="resolve"');

    const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).to.equal(0);
  });
});
