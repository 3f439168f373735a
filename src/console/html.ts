/**
 * HTML for the console: one escaping function for every value a page writes (the report's, shared
 * so the two never disagree), links with query strings, and the hidden CSRF field every form carries.
 */
import { escapeHtml } from "../report/svg-charts";

export { escapeHtml };

/** The form field that carries the session's CSRF token; every POST without the right one gets 403. */
export const CSRF_FIELD = "_csrf";

export function csrfInput(token: string): string {
  return `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(token)}">`;
}

/** Text for HTML content or a double-quoted attribute; null and undefined print as nothing. */
export function h(value: string | number | null | undefined): string {
  return value === null || value === undefined ? "" : escapeHtml(String(value));
}

/** An href under /console with these query parameters (empty ones left out), escaped for an attribute. */
export function href(path: string, query: Record<string, string | number | null | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== "") search.set(k, String(v));
  const qs = search.toString();
  return h(qs ? `${path}?${qs}` : path);
}
