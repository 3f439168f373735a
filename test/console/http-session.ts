import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { DataSource } from "typeorm";
import { addUser } from "../../src/console/users";
import type { Role } from "../../src/console/roles";
import { buildHttp, type HttpOptions } from "../../src/service/http-server";
import { consoleState } from "../../src/service/service";

/**
 * The console over Fastify's inject (no socket): a browser's part — cookies, the hidden CSRF
 * field — done by hand, so each test can leave a part out on purpose.
 */

export const PASSWORD = "correct horse battery";

export function consoleApp(db: DataSource, options: Omit<HttpOptions, "host" | "port"> = {}): Promise<FastifyInstance> {
  return buildHttp(consoleState(db, "console-test"), options);
}

export async function user(db: DataSource, name: string, role: Role, password = PASSWORD): Promise<void> {
  await addUser(db, { name, role, password }, "test");
}

/** The value of a cookie a response sets, and the whole Set-Cookie line it came in. */
export function setCookie(res: LightMyRequestResponse, name: string): { value: string; line: string } | null {
  const header = res.headers["set-cookie"];
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const line = lines.find((l) => l.startsWith(`${name}=`));
  return line ? { value: line.slice(name.length + 1).split(";")[0], line } : null;
}

export function hiddenCsrf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no _csrf field in:\n${html.slice(0, 2000)}`);
  return m[1];
}

export function form(fields: Record<string, string>): { payload: string; headers: Record<string, string> } {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}

/** The sign-in form fetched and posted as a browser would. */
export async function postSignIn(
  app: FastifyInstance,
  name: string,
  password: string,
  remoteAddress = "127.0.0.1",
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const page = await app.inject({ url: "/console/login", remoteAddress, headers });
  const login = setCookie(page, "billpay_login")!.value;
  const body = form({ _csrf: hiddenCsrf(page.body), name, password, next: "/console" });
  return app.inject({
    method: "POST",
    url: "/console/login",
    remoteAddress,
    payload: body.payload,
    headers: { ...headers, ...body.headers, cookie: `billpay_login=${login}` },
  });
}

export interface Browser {
  cookie: string;
  csrf: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** A signed-in browser: its session cookie and the CSRF token its pages carry. */
export async function signedIn(
  app: FastifyInstance,
  name: string,
  password = PASSWORD,
  firstPage = "/console",
): Promise<Browser> {
  const res = await postSignIn(app, name, password);
  if (res.statusCode !== 303) throw new Error(`sign-in of ${name} failed: ${res.statusCode}`);
  const cookie = `billpay_session=${setCookie(res, "billpay_session")!.value}`;
  const home = await app.inject({ url: firstPage, headers: { cookie } });
  const csrf = hiddenCsrf(home.body);
  return {
    cookie,
    csrf,
    get: (url) => app.inject({ url, headers: { cookie } }),
    post: (url, fields) => {
      const body = form(fields);
      return app.inject({ method: "POST", url, payload: body.payload, headers: { ...body.headers, cookie } });
    },
  };
}
