import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { log } from "../log";
import { messagePage } from "./login-page";
import { PageInputError, PageNotFound } from "./page";

/**
 * The one error handler of the HTTP side (the API, the probes and the console): an error we know
 * becomes a 4xx that says what was wrong; anything else is logged and answered 500 with no detail.
 * Neither carries a stack or a library's own message: a parser's complaint or a driver's error
 * can quote internals (SQL, file paths, versions) that are nobody's business outside the service.
 * Under /console the answer is a page, elsewhere JSON.
 */

interface Answer {
  status: number;
  title: string;
  message: string;
}

const FAILED: Answer = {
  status: 500,
  title: "Something went wrong",
  message: "The request failed; the service log has the details.",
};

/** Our own refusals say what was wrong; Fastify's (a body too large, a malformed URL or body) get the status's name. */
function knownError(error: FastifyError | Error): Answer | null {
  if (error instanceof PageNotFound) return { status: 404, title: "Not found", message: error.message };
  if (error instanceof PageInputError) return { status: 400, title: "Bad request", message: error.message };
  const status = "statusCode" in error ? error.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    const name = STATUS_CODES[status] ?? "Bad request";
    return { status, title: name, message: name };
  }
  return null;
}

/** The path alone: the query can hold an account number, and a malformed URL cannot be parsed. */
export function pathOf(url: string): string {
  return url.split(/[?#]/, 1)[0];
}

export function isConsolePath(url: string): boolean {
  const path = pathOf(url);
  return path === "/console" || path.startsWith("/console/");
}

export function answerError(error: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = knownError(error);
  if (!known) log.error("http request failed", { method: req.method, path: pathOf(req.url), error: error.message });
  const { status, title, message } = known ?? FAILED;
  reply.code(status).header("cache-control", "no-store");
  if (isConsolePath(req.url)) return reply.type("text/html; charset=utf-8").send(messagePage(title, message));
  return reply.type("application/json; charset=utf-8").send(`${JSON.stringify({ error: message }, null, 2)}\n`);
}
