import { bareLayout } from "./layout";
import { csrfInput, escapeHtml } from "./html";

/** The sign-in form: labelled fields, the pre-session CSRF token, and where to go afterwards. */
export function loginPage(form: { csrfToken: string; next: string; name?: string; failed?: boolean }): string {
  const failed = form.failed
    ? `<p class="error" role="alert">Sign-in failed: the name or password is wrong, or the account is locked for a while after too many attempts.</p>`
    : "";
  return bareLayout(
    "Sign in",
    `<main><h1>billpay console</h1>${failed}` +
      `<form method="post" action="/console/login">${csrfInput(form.csrfToken)}` +
      `<input type="hidden" name="next" value="${escapeHtml(form.next)}">` +
      `<label for="name">Name</label><input id="name" name="name" autocomplete="username" required autofocus value="${escapeHtml(form.name ?? "")}">` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>` +
      `<p><button type="submit">Sign in</button></p></form></main>`,
  );
}

/** A message page for a refused or failed request, with a way back. */
export function messagePage(title: string, message: string): string {
  return bareLayout(
    title,
    `<main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/console">Back to the console</a></p></main>`,
  );
}
