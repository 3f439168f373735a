import type { DataSource } from "typeorm";
import type { Role } from "./roles";

/**
 * The contract between the console's shell (src/console/server.ts: sessions, roles, CSRF) and its
 * pages (src/console/pages/): a page is a path, a title and a render function; the shell signs the
 * user in, builds the context and wraps what render returns in layout() (./layout).
 */

export interface ConsoleUser {
  name: string;
  role: Role;
}

export interface PageContext {
  db: DataSource;
  /** The query string, one value per name (the last one when a name repeats). */
  query: Record<string, string>;
  /** The path's parameters (":id" in a page's path). */
  params: Record<string, string>;
  user: ConsoleUser;
  /** The session's CSRF token: every form puts it in a hidden field (csrfInput in ./html). */
  csrfToken: string;
}

export interface ConsolePage {
  /** A Fastify route path under /console, e.g. "/console/files/:id". */
  path: string;
  /** The page's <title> and heading. */
  title: string;
  /** The page's content: the HTML that goes inside <main> (every value escaped). */
  render(ctx: PageContext): Promise<string>;
  /** The page's table as CSV, served at `path + ".csv"` with the same query. */
  csv?(ctx: PageContext): Promise<string>;
}

/** Thrown by a page for a missing row or a bad filter: the shell answers 404 or 400 with the message. */
export class PageError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = "PageError";
  }
}
