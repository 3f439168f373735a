import { isIP, type AddressInfo } from "node:net";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { sameToken } from "../console/form-fields";
import { answerError } from "../console/http-errors";
import { messagePage } from "../console/login-page";
import { registerConsole } from "../console/server";
import { queryOf } from "../console/url-encoding";
import { CONTENT_TYPE } from "./prometheus";
import { listExceptions, listFiles, listPayments } from "./read-api";
import { readiness, type ServiceState } from "./readiness";
import { TOKEN_ENV } from "./service-settings";

export type { ServiceState } from "./readiness";

/**
 * The service's HTTP side, on Fastify: /healthz (alive), /readyz (database and every source),
 * /metrics, read-only JSON under /api, and the web console (src/console/server.ts). It binds
 * 127.0.0.1 unless told otherwise. Anywhere else it will not start without a bearer token (the API
 * shows payments) nor without TLS, its own or a proxy's (the console takes passwords). With a
 * token, everything but /healthz, the bare /readyz verdict and the console (which has its own
 * sign-in) needs it.
 */

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

export class HttpConfigError extends Error {}

/** How requests reach us: over our own TLS, through a TLS proxy at a known address, or neither. */
export interface Transport {
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The proxy's address (or CIDR range): X-Forwarded-For and -Proto are believed from it only. */
  behindProxy?: string;
}

/** Refuses a non-loopback bind without a token (the API shows payments) or without TLS (the console). */
export function checkBind(host: string, token: string | undefined, transport: Transport = {}): void {
  if (transport.behindProxy !== undefined && !isProxyAddress(transport.behindProxy))
    throw new HttpConfigError(
      `--behind-proxy takes the proxy's IP address or CIDR range, not "${transport.behindProxy}"`,
    );
  if (isLoopback(host)) return;
  if (!token) {
    throw new HttpConfigError(
      `refusing to listen on ${host} without a bearer token: set ${TOKEN_ENV} (or bind 127.0.0.1)`,
    );
  }
  if (!transport.tls && !transport.behindProxy) {
    throw new HttpConfigError(
      `refusing to listen on ${host} without TLS: console passwords and session cookies would cross the network in clear. ` +
        "Give --tls-cert FILE --tls-key FILE, or --behind-proxy ADDRESS for a TLS proxy at that address (or bind 127.0.0.1)",
    );
  }
}

function isProxyAddress(value: string): boolean {
  const [address, bits, ...rest] = value.split("/");
  if (rest.length || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return false;
  return isIP(address) !== 0;
}

export interface HttpOptions extends Transport {
  host: string;
  port: number;
  token?: string;
  /** Minutes a console session may sit unused before it is over. */
  idleMinutes?: number;
}

function send(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  const text = typeof body === "string" ? body : `${JSON.stringify(body, null, 2)}\n`;
  return reply
    .code(status)
    .headers({
      "content-type": typeof body === "string" ? CONTENT_TYPE : "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    })
    .send(text);
}

function authorized(req: FastifyRequest, token: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
  return match !== null && sameToken(match[1], token);
}

const NEEDS_TOKEN = { error: "a bearer token is required" };
const CHALLENGE = { "www-authenticate": 'Bearer realm="billpay"' };

/** The service's own routes: /healthz and the bare /readyz verdict answer without the token (probes carry none). */
function serviceRoutes(app: FastifyInstance, state: ServiceState, token: string | undefined): void {
  app.get("/healthz", (_req, reply) =>
    send(reply, 200, { status: "ok", instance: state.metrics.instance, mode: state.scheduler.mode }),
  );
  app.get("/readyz", async (req, reply) => {
    const r = await readiness(state);
    return send(reply, r.ready ? 200 : 503, authorized(req, token) ? r : { ready: r.ready });
  });
  app.register(async (api) => {
    api.addHook("onRequest", async (req, reply) => {
      if (!authorized(req, token)) return send(reply, 401, NEEDS_TOKEN, CHALLENGE);
    });
    api.get("/metrics", async (_req, reply) =>
      send(reply, 200, await state.metrics.render(state.db, (await state.scheduler.families?.()) ?? [])),
    );
    api.get("/api/files", async (req, reply) => send(reply, 200, await listFiles(state.db, queryOf(req.url))));
    api.get("/api/payments", async (req, reply) => send(reply, 200, await listPayments(state.db, queryOf(req.url))));
    api.get("/api/exceptions", async (req, reply) => {
      const page = await listExceptions(state.db, queryOf(req.url));
      return page
        ? send(reply, 200, page)
        : send(reply, 404, { error: "no exception queue in this database yet (run the matching migration)" });
    });
  });
}

/**
 * Everything else: outside the console only GET is served (405 as before), an unknown path needs
 * the token to learn that it is unknown, a query string that is not UTF-8 is refused on every
 * route, and errors go to the one handler (src/console/http-errors.ts).
 */
function fallbacks(app: FastifyInstance, token: string | undefined): void {
  app.setNotFoundHandler((req, reply) => {
    const path = new URL(req.url, "http://localhost").pathname;
    const consolePath = path === "/console" || path.startsWith("/console/");
    if (!consolePath && req.method !== "GET" && req.method !== "HEAD")
      return send(reply, 405, { error: "read-only: GET only" }, { allow: "GET, HEAD" });
    if (consolePath)
      return reply
        .code(404)
        .type("text/html; charset=utf-8")
        .send(messagePage("Not found", `No page at ${path}.`));
    if (!authorized(req, token)) return send(reply, 401, NEEDS_TOKEN, CHALLENGE);
    return send(reply, 404, { error: `no such endpoint: ${path}` });
  });
  // Every route's query string is decoded strictly before anything reads it (./url-encoding in the console).
  app.addHook("onRequest", async (req) => {
    queryOf(req.url);
  });
  app.setErrorHandler(answerError);
}

/** The Fastify app, not listening: startHttp listens; tests call inject() on it. */
export async function buildHttp(
  state: ServiceState,
  options: Omit<HttpOptions, "host" | "port">,
): Promise<FastifyInstance> {
  // Fastify types a TLS server apart from a plain one; the routes see the same requests either way.
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    // A path that is not UTF-8 (FST_ERR_BAD_URL) would otherwise be answered with Fastify's own body, quoting it.
    frameworkErrors: answerError,
    forceCloseConnections: true,
    trustProxy: options.behindProxy ?? false,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  }) as unknown as FastifyInstance;
  // First: the plugins below take the error handler their parent has when they are registered.
  fallbacks(app, options.token);
  serviceRoutes(app, state, options.token);
  await app.register(registerConsole, { db: state.db, idleMinutes: options.idleMinutes ?? DEFAULT_IDLE_MINUTES });
  await app.ready();
  return app;
}

export const DEFAULT_IDLE_MINUTES = 30;

/** Bytes of a request body: the console's forms (a resolve note, a sign-in) are far smaller; the API takes none. */
export const BODY_LIMIT = 64 * 1024;

export interface RunningHttp {
  url: string;
  close(): Promise<void>;
}

export async function startHttp(state: ServiceState, options: HttpOptions): Promise<RunningHttp> {
  checkBind(options.host, options.token, options);
  const app = await buildHttp(state, options);
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `${options.tls ? "https" : "http"}://${host}:${address.port}`,
    // forceCloseConnections: a browser's idle keep-alive connection does not hold close() open.
    close: () => app.close(),
  };
}
