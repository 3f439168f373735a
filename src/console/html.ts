/**
 * HTML for the console: one escaping function for every value a page writes (the report's, shared
 * so the two never disagree), and the hidden CSRF field every form carries.
 */
import { escapeHtml } from "../report/svg-charts";

export { escapeHtml };

/** The form field that carries the session's CSRF token; every POST without the right one gets 403. */
export const CSRF_FIELD = "_csrf";

export function csrfInput(token: string): string {
  return `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(token)}">`;
}
