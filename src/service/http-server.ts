import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DataSource } from "typeorm";
import type { BillpayConfig } from "../config/config-file";
import { log } from "../log";
import { withTimeout } from "../sources/retry";
import type { ServiceMetrics } from "./metrics";
import { readPollStatus, type PollStatus } from "./poll-status";
import { CONTENT_TYPE } from "./prometheus";
import { BadQuery, listExceptions, listFiles, listPayments } from "./read-api";
import type { Scheduler } from "./scheduler";
import { TOKEN_ENV } from "./service-settings";

/**
 * The service's HTTP side: /healthz (alive), /readyz (database and every source), /metrics, and
 * read-only JSON under /api. It binds 127.0.0.1 unless told otherwise, and anywhere else it will
 * not start without a bearer token. With a token, everything but /healthz and the bare /readyz
 * verdict needs it.
 */

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

export class HttpConfigError extends Error {}

/** Refuses a non-loopback bind without a token (the API shows payments). */
export function checkBind(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new HttpConfigError(
      `refusing to listen on ${host} without a bearer token: set ${TOKEN_ENV} (or bind 127.0.0.1)`,
    );
  }
}

export interface HttpOptions {
  host: string;
  port: number;
  token?: string;
}

export interface ServiceState {
  db: DataSource;
  config: BillpayConfig;
  metrics: ServiceMetrics;
  scheduler: Scheduler;
  stopping: () => boolean;
}

export interface SourceReadiness {
  aggregator: string;
  scheduled: boolean;
  state: "ok" | "failing" | "pending";
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  error: string | null;
}

export interface Readiness {
  ready: boolean;
  stopping: boolean;
  database: { ok: boolean; error: string | null };
  sources: SourceReadiness[];
}

export async function readiness(state: ServiceState): Promise<Readiness> {
  const database = { ok: true, error: null as string | null };
  let polls = new Map<string, PollStatus>();
  try {
    await withTimeout("the database check", 3000, state.db.query("SELECT 1"));
    polls = await readPollStatus(state.db);
  } catch (error) {
    database.ok = false;
    database.error = (error as Error).message;
  }
  const sources = state.config.aggregators.map((agg): SourceReadiness => {
    const p = polls.get(agg.id);
    return {
      aggregator: agg.id,
      scheduled: agg.schedule !== null,
      state: !p || p.ok === null ? "pending" : p.ok ? "ok" : "failing",
      lastPollAt: p?.finishedAt?.toISOString() ?? null,
      lastSuccessAt: p?.lastSuccessAt?.toISOString() ?? null,
      error: p?.ok === false ? p.error : null,
    };
  });
  const stopping = state.stopping();
  return {
    ready: database.ok && !stopping && sources.every((s) => s.state !== "failing"),
    stopping,
    database,
    sources,
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    "content-type": typeof body === "string" ? CONTENT_TYPE : "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const header = req.headers.authorization ?? "";
  const match = /^Bearer (.+)$/.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export async function startHttp(
  state: ServiceState,
  options: HttpOptions,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  checkBind(options.host, options.token);
  const server = createServer((req, res) => serve(state, options, req, res));
  await listen(server, options);
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, options: HttpOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
}

function serve(state: ServiceState, options: HttpOptions, req: IncomingMessage, res: ServerResponse): void {
  handle(state, options, req, res).catch((error: unknown) => {
    log.error("http request failed", { path: req.url, error: (error as Error).message });
    if (!res.headersSent) send(res, 500, { error: "internal error" });
    else res.end();
  });
}

/** /healthz and the bare /readyz verdict answer without the token: probes carry none. */
async function handle(
  state: ServiceState,
  options: HttpOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (req.method !== "GET" && req.method !== "HEAD")
    return send(res, 405, { error: "read-only: GET only" }, { allow: "GET, HEAD" });
  const ok = authorized(req, options.token);
  switch (url.pathname) {
    case "/healthz":
      return send(res, 200, { status: "ok", instance: state.metrics.instance, mode: state.scheduler.mode });
    case "/readyz": {
      const r = await readiness(state);
      return send(res, r.ready ? 200 : 503, ok ? r : { ready: r.ready });
    }
  }
  if (!ok)
    return send(res, 401, { error: "a bearer token is required" }, { "www-authenticate": 'Bearer realm="billpay"' });
  return handleAuthorized(state, url, res);
}

async function handleAuthorized(state: ServiceState, url: URL, res: ServerResponse): Promise<void> {
  try {
    switch (url.pathname) {
      case "/metrics":
        return send(res, 200, await state.metrics.render(state.db, (await state.scheduler.families?.()) ?? []));
      case "/api/files":
        return send(res, 200, await listFiles(state.db, url.searchParams));
      case "/api/payments":
        return send(res, 200, await listPayments(state.db, url.searchParams));
      case "/api/exceptions": {
        const page = await listExceptions(state.db, url.searchParams);
        return page
          ? send(res, 200, page)
          : send(res, 404, { error: "no exception queue in this database yet (run the matching migration)" });
      }
      default:
        return send(res, 404, { error: `no such endpoint: ${url.pathname}` });
    }
  } catch (error) {
    if (error instanceof BadQuery) return send(res, 400, { error: error.message });
    throw error;
  }
}
