import { escapeHtml } from "../html";
import { layout } from "../layout";
import type { ConsolePage } from "../page";

/** A placeholder until the dashboard's charts arrive (the pages of issue 12 item 2). */
export const dashboardPage: ConsolePage = {
  path: "/console",
  title: "Dashboard",
  async render(ctx) {
    return layout("Dashboard", ctx.user, ctx.csrfToken, `<p>Signed in as ${escapeHtml(ctx.user.name)}.</p>`);
  },
};
