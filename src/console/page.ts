import type { Sql } from "../store/sql";

export type ConsoleRole = "viewer" | "resolver" | "admin";

/** What a page is given: the database, the request's query and path parameters, and who asks. */
export interface PageContext {
  db: Sql;
  query: Record<string, string | undefined>;
  params: Record<string, string | undefined>;
  user: { name: string; role: ConsoleRole };
  csrfToken: string;
}

/** One console page: a path under /console, an HTML rendering and, for a table, its CSV. */
export interface ConsolePage {
  path: string;
  title: string;
  render(ctx: PageContext): Promise<string>;
  csv?(ctx: PageContext): Promise<string>;
}

/** A page asked for something that is not there (an unknown id): the server answers 404. */
export class PageNotFound extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "PageNotFound";
  }
}
