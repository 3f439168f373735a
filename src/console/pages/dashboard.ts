import { escapeHtml } from "../html";
import type { ConsolePage } from "../page";

/** A placeholder until the dashboard's charts arrive (the pages of issue 12 item 2). */
export const dashboardPage: ConsolePage = {
  path: "/console",
  title: "Dashboard",
  async render(ctx) {
    return `<p>Signed in as ${escapeHtml(ctx.user.name)}.</p>`;
  },
};
