import type { DataSource } from "typeorm";
import type { Role } from "./roles";

/**
 * The contract between the console's shell (src/console/server.ts: sessions, roles, CSRF) and its
 * pages (src/console/pages/): a page is a path, a title and a render function. The shell signs the
 * user in, builds the context and sends what render returns; a page builds its document with
 * layout() (./layout), which carries the navigation and the sign-out form.
 */

export interface ConsoleUser {
  name: string;
  role: Role;
}

export interface PageContext {
  db: DataSource;
  /** The query string, one value per name (the last one when a name repeats), the page's own names only. */
  query: Record<string, string | undefined>;
  /** The path's parameters (":id" in a page's path). */
  params: Record<string, string | undefined>;
  user: ConsoleUser;
  /** The session's CSRF token: every form puts it in a hidden field (csrfInput in ./html). */
  csrfToken: string;
}

export interface ConsolePage {
  /** A Fastify route path under /console, e.g. "/console/files/:id". */
  path: string;
  /** The page's title (its document may say more, e.g. which file). */
  title: string;
  /**
   * The query parameters the page reads, each through a checker of ./params: the shell hands it
   * these and drops the rest, so this list is the whole of what a request can put in, and the edge
   * tests (test/service/edge.test.ts) throw arbitrary text at each.
   */
  query: readonly string[];
  /** The whole HTML document, made with layout() (every value escaped). */
  render(ctx: PageContext): Promise<string>;
  /** The page's table as CSV, served at `path + ".csv"` with the same query. */
  csv?(ctx: PageContext): Promise<string>;
}

/** A page asked for something that is not there (an unknown id): the shell answers 404. */
export class PageNotFound extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "PageNotFound";
  }
}

/** A filter or cursor in the query that the page cannot read: the shell answers 400 with the message. */
export class PageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PageInputError";
  }
}
