import { expect } from "chai";
import type { FastifyInstance } from "fastify";
import { disableUser } from "../../src/console/users";
import { SESSION_LIFETIME_HOURS } from "../../src/console/sessions";
import { freshDatabase, type TestDatabase } from "../support/database";
import { consoleApp, postSignIn, setCookie, signedIn, user, PASSWORD } from "./http-session";

describe("console: signing in, sessions and CSRF", function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let app: FastifyInstance;

  before(async () => {
    t = await freshDatabase();
    app = await consoleApp(t.db);
    await user(t.db, "vera", "viewer");
    await user(t.db, "lock.me", "resolver");
    await user(t.db, "gone", "viewer");
  });
  after(async () => {
    await app?.close();
    await t?.close();
  });

  it("sends a page request without a session to a sign-in form whose fields are labelled", async () => {
    const res = await app.inject({ url: "/console?since=2017-03-01" });
    expect(res.statusCode).to.equal(303);
    expect(res.headers.location).to.equal("/console/login?next=%2Fconsole%3Fsince%3D2017-03-01");
    const page = await app.inject({ url: res.headers.location as string });
    expect(page.statusCode).to.equal(200);
    expect(page.body).to.match(/<label for="name">Name<\/label><input id="name"/);
    expect(page.body).to.match(/<label for="password">Password<\/label><input id="password"[^>]*type="password"/);
    expect(page.body).to.contain('value="/console?since=2017-03-01"');
    expect(page.headers["content-security-policy"]).to.contain("default-src 'none'");
  });

  it("signs in with a session cookie that is HttpOnly and SameSite=Strict (not Secure over plain HTTP), stored only as a hash", async () => {
    const res = await postSignIn(app, "vera", PASSWORD);
    expect(res.statusCode).to.equal(303);
    expect(res.headers.location).to.equal("/console");
    const cookie = setCookie(res, "billpay_session")!;
    expect(cookie.line)
      .to.match(/HttpOnly/)
      .and.match(/SameSite=Strict/)
      .and.match(/Path=\/console/);
    expect(cookie.line).to.not.match(/Secure/);
    expect(cookie.value).to.match(/^[A-Za-z0-9_-]{43}$/);
    const stored = (await t.db.query(`SELECT encode(token_hash, 'hex') AS h FROM console_sessions`)) as { h: string }[];
    expect(stored).to.have.length(1);
    expect(stored[0].h).to.have.length(64).and.not.contain(Buffer.from(cookie.value).toString("hex"));
    const home = await app.inject({ url: "/console", headers: { cookie: `billpay_session=${cookie.value}` } });
    expect(home.statusCode).to.equal(200);
    expect(home.body).to.contain("vera (viewer)").and.contain('href="/console/exceptions"');
  });

  it("refuses a sign-in POST without the form's token, and any POST without the session's CSRF token or with a wrong one", async () => {
    const noToken = await app.inject({
      method: "POST",
      url: "/console/login",
      payload: `name=vera&password=${encodeURIComponent(PASSWORD)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(noToken.statusCode).to.equal(403);
    expect(setCookie(noToken, "billpay_session")).to.equal(null);

    const b = await signedIn(app, "vera");
    expect((await b.post("/console/logout", {})).statusCode).to.equal(403);
    expect((await b.post("/console/logout", { _csrf: `${b.csrf.slice(0, -1)}x` })).statusCode).to.equal(403);
    expect((await b.get("/console")).statusCode, "a refused sign-out leaves the session").to.equal(200);
    const out = await b.post("/console/logout", { _csrf: b.csrf });
    expect(out.statusCode).to.equal(303);
    expect((await b.get("/console")).statusCode).to.equal(303);
  });

  it("ends a session left idle past the timeout", async () => {
    const b = await signedIn(app, "vera");
    expect((await b.get("/console")).statusCode).to.equal(200);
    await t.db.query(`UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes'`);
    const res = await b.get("/console");
    expect(res.statusCode).to.equal(303);
    expect(res.headers.location).to.match(/^\/console\/login/);
  });

  it("ends a session at its lifetime however busy, and keeps one just short of it", async () => {
    const b = await signedIn(app, "vera");
    const age = async (minutes: number) => {
      await t.db.query(`UPDATE console_sessions SET created_at = now() - make_interval(mins => $1)`, [minutes]);
      return b.get("/console");
    };
    expect((await age(SESSION_LIFETIME_HOURS * 60 - 1)).statusCode).to.equal(200);
    const res = await age(SESSION_LIFETIME_HOURS * 60 + 1);
    expect(res.statusCode).to.equal(303);
    expect(res.headers.location).to.match(/^\/console\/login/);
  });

  it("locks a user out for a while after five wrong passwords, saying no more than for a name that does not exist", async () => {
    // The page differs only in its one-time form token and the name typed.
    const said = (html: string) => html.replace(/name="_csrf" value="[^"]+"/, "").replace(/value="[^"]*"/g, "");
    const unknown = await postSignIn(app, "nobody-here", "whatever-it-is");
    expect(unknown.statusCode).to.equal(401);
    expect(unknown.body).to.contain("Sign-in failed");
    for (let i = 0; i < 5; i++) {
      const wrong = await postSignIn(app, "lock.me", `wrong password ${i}`, "10.0.0.7");
      expect(wrong.statusCode).to.equal(401);
      expect(said(wrong.body)).to.equal(said(unknown.body));
    }
    const right = await postSignIn(app, "lock.me", PASSWORD, "10.0.0.8");
    expect(right.statusCode, "the right password while locked").to.equal(401);
    expect(said(right.body)).to.equal(said(unknown.body));
    const [row] = (await t.db.query(
      `SELECT extract(epoch FROM locked_until - now())::int AS s FROM console_users WHERE name = 'lock.me'`,
    )) as { s: number }[];
    expect(row.s).to.be.within(14 * 60, 15 * 60);
    const audit = (await t.db.query(
      `SELECT action, note FROM audit_log WHERE entity = 'user' AND entity_id = 'lock.me' ORDER BY id`,
    )) as { action: string; note: string | null }[];
    expect(audit.map((a) => a.action)).to.deep.equal(["created", "locked"]);
    expect(audit[1].note).to.contain("10.0.0.7");
    await t.db.query(`UPDATE console_users SET locked_until = now() - interval '1 second' WHERE name = 'lock.me'`);
    expect((await postSignIn(app, "lock.me", PASSWORD, "10.0.0.8")).statusCode, "after the lock").to.equal(303);
  });

  it("refuses an address that keeps failing, even with a right password, while others still sign in", async () => {
    for (let i = 0; i < 20; i++) await postSignIn(app, `guess-${i}`, "not a password", "10.6.6.6");
    expect((await postSignIn(app, "vera", PASSWORD, "10.6.6.6")).statusCode).to.equal(401);
    expect((await postSignIn(app, "vera", PASSWORD, "10.6.6.7")).statusCode).to.equal(303);
  });

  it("ends a disabled user's sessions and refuses their sign-in", async () => {
    const b = await signedIn(app, "gone");
    await disableUser(t.db, "gone", "test");
    expect((await b.get("/console")).statusCode).to.equal(303);
    expect((await postSignIn(app, "gone", PASSWORD)).statusCode).to.equal(401);
  });

  it("keeps the API's bearer token apart from the console: the console needs a session, the API the token", async () => {
    const guarded = await consoleApp(t.db, { token: "api-token-for-test" });
    try {
      expect((await guarded.inject({ url: "/api/files" })).statusCode).to.equal(401);
      const b = await signedIn(guarded, "vera");
      expect((await b.get("/console")).statusCode).to.equal(200);
      expect((await guarded.inject({ url: "/api/files", headers: { cookie: b.cookie } })).statusCode).to.equal(401);
      expect((await guarded.inject({ method: "POST", url: "/api/files" })).statusCode).to.equal(405);
    } finally {
      await guarded.close();
    }
  });
});
