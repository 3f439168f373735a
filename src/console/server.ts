import cookie from "@fastify/cookie";
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { DataSource } from "typeorm";
import { log } from "../log";
import { consolePath, field, sameToken } from "./form-fields";
import { CSRF_FIELD } from "./html";
import { answerError } from "./http-errors";
import { loginPage, messagePage } from "./login-page";
import type { ConsolePage, PageContext } from "./page";
import { CONSOLE_PAGES } from "./pages";
import { resolveRoute } from "./resolve-route";
import { closeSession, openSession, touchSession, type Session } from "./sessions";
import { AddressThrottle, LOGIN_POLICY, signIn, type LoginPolicy } from "./sign-in";
import { formOf, queryOf } from "./url-encoding";

/**
 * The web console under /console, as a Fastify plugin: sign-in and sign-out, a session check
 * before every other route (a GET without one goes to the sign-in form, a POST gets 403), the CSRF
 * token checked on every POST, the pages of ./pages and the resolve endpoint. Cookies are
 * HttpOnly and SameSite=Strict, and Secure whenever the request came over TLS (ours, or a trusted
 * proxy's X-Forwarded-Proto).
 */

export interface ConsoleOptions {
  db: DataSource;
  idleMinutes: number;
  policy?: LoginPolicy;
  /** The pages to serve; all of ./pages unless given. */
  pages?: readonly ConsolePage[];
}

export const SESSION_COOKIE = "billpay_session";
/** Before sign-in there is no session: the sign-in form's CSRF token is checked against this cookie. */
export const LOGIN_COOKIE = "billpay_login";
const LOGIN_PATH = "/console/login";

/** Nothing is fetched from elsewhere, nothing runs, no one frames us, forms post only here. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header("content-type", "text/html; charset=utf-8").send(body);
}

function refuse(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  return html(reply, status, messagePage(title, message));
}

function cookieOptions(req: FastifyRequest, path: string) {
  return { httpOnly: true, sameSite: "strict" as const, secure: req.protocol === "https", path };
}

export async function registerConsole(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  await app.register(cookie);
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "buffer" }, (_req, body, done) => {
    try {
      done(null, formOf(body as Buffer));
    } catch (error) {
      done(error as Error);
    }
  });
  const policy = options.policy ?? LOGIN_POLICY;
  const idleSeconds = Math.round(options.idleMinutes * 60);
  const sessions = new WeakMap<FastifyRequest, Session>();
  const sessionOf = (req: FastifyRequest): Session => {
    const s = sessions.get(req);
    if (!s) throw new Error(`no session on ${req.url}: the route is not behind the session check`);
    return s;
  };
  app.addHook("onSend", async (_req, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.addHook("preHandler", async (req, reply) => {
    if (req.routeOptions.url === LOGIN_PATH) return;
    const session = await touchSession(options.db, req.cookies[SESSION_COOKIE] ?? "", idleSeconds);
    if (!session) {
      if (req.method === "GET" || req.method === "HEAD")
        return reply.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(req.url)}`, 303);
      return refuse(reply, 403, "Not signed in", "Your session is over (or never began): sign in again.");
    }
    if (req.method === "POST" && !sameToken(field(req.body, CSRF_FIELD), session.csrfToken))
      return refuse(reply, 403, "Refused", "The form's CSRF token is missing or wrong: reload the page and try again.");
    sessions.set(req, session);
  });
  signInRoutes(app, options.db, policy, idleSeconds);
  for (const page of options.pages ?? CONSOLE_PAGES) pageRoutes(app, options.db, page, sessionOf);
  resolveRoute(app, options.db, sessionOf, refuse);
  app.setErrorHandler(answerError);
}

function signInRoutes(app: FastifyInstance, db: DataSource, policy: LoginPolicy, idleSeconds: number): void {
  const throttle = new AddressThrottle(policy.maxAddressFailures, policy.lockMinutes * 60_000);
  app.get(LOGIN_PATH, async (req, reply) => {
    const csrfToken = randomBytes(32).toString("base64url");
    reply.setCookie(LOGIN_COOKIE, csrfToken, cookieOptions(req, LOGIN_PATH));
    return html(reply, 200, loginPage({ csrfToken, next: consolePath(queryOf(req.url).next ?? "") }));
  });
  app.post(LOGIN_PATH, async (req, reply) => {
    const csrfToken = req.cookies[LOGIN_COOKIE] ?? "";
    if (!sameToken(field(req.body, CSRF_FIELD), csrfToken))
      return refuse(
        reply,
        403,
        "Refused",
        "The sign-in form's token is missing or wrong: reload the page and try again.",
      );
    const name = field(req.body, "name").trim();
    const next = consolePath(field(req.body, "next"));
    const user = await signIn(db, { name, password: field(req.body, "password"), address: req.ip }, throttle, policy);
    if (!user) return html(reply, 401, loginPage({ csrfToken, next, name, failed: true }));
    const session = await openSession(db, user.id, req.ip, idleSeconds);
    log.info("console sign-in", { user: user.name, address: req.ip });
    reply.clearCookie(LOGIN_COOKIE, cookieOptions(req, LOGIN_PATH));
    reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(req, "/console"));
    return reply.redirect(next, 303);
  });
  app.post("/console/logout", async (req, reply) => {
    await closeSession(db, req.cookies[SESSION_COOKIE] ?? "");
    reply.clearCookie(SESSION_COOKIE, cookieOptions(req, "/console"));
    return reply.redirect(LOGIN_PATH, 303);
  });
}

function pageRoutes(
  app: FastifyInstance,
  db: DataSource,
  page: ConsolePage,
  sessionOf: (req: FastifyRequest) => Session,
): void {
  const context = (req: FastifyRequest): PageContext => {
    const { user, csrfToken } = sessionOf(req);
    const query = queryOf(req.url);
    const own = Object.fromEntries(page.query.flatMap((name) => (name in query ? [[name, query[name]]] : [])));
    return { db, query: own, params: req.params as Record<string, string>, user, csrfToken };
  };
  const csv = page.csv?.bind(page);
  const file = `${page.path.replace(/^\/console\/?/, "").replace(/[/:]+/g, "-") || "dashboard"}.csv`;
  const sendCsv = async (req: FastifyRequest, reply: FastifyReply, render: NonNullable<typeof csv>) =>
    reply
      .header("content-type", "text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${file}"`)
      .send(await render(context(req)));
  // The pages' download links keep the page's path and filters and add format=csv; `<path>.csv` is the same table.
  app.get(page.path, async (req, reply) =>
    csv && queryOf(req.url).format === "csv"
      ? sendCsv(req, reply, csv)
      : html(reply, 200, await page.render(context(req))),
  );
  if (csv) app.get(`${page.path}.csv`, async (req, reply) => sendCsv(req, reply, csv));
}
