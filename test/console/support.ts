import { expect } from "chai";
import type { PageContext } from "../../src/console/page";
import type { Role } from "../../src/console/roles";
import type { TestDatabase } from "../support/database";

/** A request as the server would hand it to a page. */
export function pageContext(
  t: TestDatabase,
  options: { query?: PageContext["query"]; params?: PageContext["params"]; role?: Role } = {},
): PageContext {
  return {
    db: t.db,
    query: options.query ?? {},
    params: options.params ?? {},
    user: { name: "ann.auditor", role: options.role ?? "resolver" },
    csrfToken: "csrf-token-for-tests",
  };
}

/** The cells of every body row of the page's tables, as text (tags stripped, entities kept). */
export function tableRows(html: string): string[][] {
  const bodies = [...html.matchAll(/<tbody>(.*?)<\/tbody>/gs)].map((m) => m[1]);
  return bodies.flatMap((body) =>
    [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
      [...row[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1].replace(/<[^>]*>/g, "")),
    ),
  );
}

/** Every visible form control has a <label for> naming its id. */
export function expectEveryFieldLabelled(html: string): void {
  const controls = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].filter((m) => !/type="hidden"/.test(m[2]));
  expect(controls.length).to.be.greaterThan(0);
  for (const [tag, , attributes] of controls) {
    const id = /\bid="([^"]+)"/.exec(attributes)?.[1];
    expect(id, tag).to.be.a("string");
    expect(html, `label for ${id}`).to.include(`<label for="${id}"`);
  }
}
