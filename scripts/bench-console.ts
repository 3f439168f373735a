// Benchmark of the console's pages (issue 12 item 6, a script, not a test): fills a database with a
// generated book (scripts/bench/console-data.ts: 1M payments and 100k open exceptions by default,
// written with COPY), then times each page's render function several times and prints the median
// and the slowest run against the 300 ms budget. DATABASE_URL must name an empty PostgreSQL
// database; without it a fresh embedded database in a temp folder is used.
// Usage: npx tsx scripts/bench-console.ts [--payments N] [--runs N] [--json]
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { DataSource } from "typeorm";
import { loadQueue, queueFilter } from "../src/console/pages/exceptions";
import { CONSOLE_PAGES } from "../src/console/pages";
import type { ConsolePage, PageContext } from "../src/console/page";
import { encodeCursor } from "../src/console/keyset";
import { localToday } from "../src/console/params";
import { addDays } from "../src/rules/local-date";
import { renderTable } from "../src/report/text-table";
import { closeDatabase, isEmbedded, openDatabase } from "../src/store/data-source";
import { benchId, fileCount, fillConsoleBook, paymentId, settlementDay, type ConsoleBook } from "./bench/console-data";
import { progress, timed } from "./bench/meter";

const BUDGET_MS = 300;

interface Scenario {
  path: string;
  label: string;
  query?: PageContext["query"];
  params?: PageContext["params"];
  csv?: boolean;
}

/** A deep page of the queue: the cursor of its 50,000th row, as the pager would have handed out. */
async function deepCursor(db: DataSource): Promise<string> {
  const [row] = (await db.query(
    `SELECT opened_at::text AS k, id::text AS id FROM exceptions WHERE status = 'open' ORDER BY opened_at, id OFFSET least(50000, (SELECT count(*) / 2 FROM exceptions WHERE status = 'open')) LIMIT 1`,
  )) as { k: string; id: string }[];
  return encodeCursor([row.k, row.id]);
}

async function scenarios(db: DataSource, book: ConsoleBook): Promise<Scenario[]> {
  const newestFile = benchId(1, fileCount(book) - 1);
  const page2 = (await loadQueue(db, queueFilter({}))).next ?? "";
  const month = book.today.slice(0, 7);
  const monthEnd = addDays(`${month}-01`, -1);
  const lastMonth = settlementDay(book, Math.floor(fileCount(book) * 0.9));
  return [
    { path: "/console", label: "dashboard, this month" },
    { path: "/console", label: "dashboard, last day of a full month", query: { day: monthEnd } },
    { path: "/console/files", label: "newest files" },
    { path: "/console/files", label: "quarantined files", query: { status: "quarantined" } },
    { path: "/console/files/:id", label: "a 5,000-payment file", params: { id: newestFile } },
    {
      path: "/console/files/:id",
      label: "… its 40th page",
      params: { id: newestFile },
      query: { after: encodeCursor([3900]) },
    },
    { path: "/console/payments/:id", label: "payment with an exception", params: { id: paymentId(book.payments - 1) } },
    { path: "/console/invoices", label: "newest month billed" },
    { path: "/console/invoices", label: "every month", query: { month: "all" } },
    { path: "/console/invoices", label: "open, one month", query: { status: "open", month } },
    { path: "/console/invoices/:id", label: "invoice with 4 payments", params: { id: benchId(3, 0) } },
    { path: "/console/exceptions", label: "queue, oldest first" },
    { path: "/console/exceptions", label: "queue, page 2", query: { after: page2 } },
    { path: "/console/exceptions", label: "queue, 1,000th page", query: { after: await deepCursor(db) } },
    { path: "/console/exceptions", label: "by reason, largest first", query: { reason: "overpaid", sort: "amount" } },
    {
      path: "/console/exceptions",
      label: "rpps, $100–$200, 30–90 days",
      query: { aggregator: "rpps", min_amount: "100", max_amount: "200", min_age: "30", max_age: "90" },
    },
    { path: "/console/exceptions", label: "queue as CSV", csv: true },
    { path: "/console/reconciliation", label: "this month by day" },
    { path: "/console/reconciliation/:day", label: "one day drilled down", params: { day: lastMonth } },
    { path: "/console/audit", label: "newest entries" },
    { path: "/console/audit", label: "one person's actions", query: { actor: "dev.patel" } },
    {
      path: "/console/audit",
      label: "action resolved, a month",
      query: { action: "resolved", from: `${month}-01`, to: book.today },
    },
    { path: "/console/audit", label: "one payment's entries", query: { entity: "payment", id: paymentId(12345) } },
    {
      path: "/console/audit",
      label: "a date range 6 months ago",
      query: {
        from: settlementDay(book, Math.floor(fileCount(book) / 2)),
        to: settlementDay(book, Math.floor(fileCount(book) / 2) + 5),
      },
    },
  ];
}

interface Timing {
  scenario: Scenario;
  runs: number[];
}

async function time(db: DataSource, page: ConsolePage, s: Scenario, runs: number): Promise<Timing> {
  const ctx: PageContext = {
    db,
    query: s.query ?? {},
    params: s.params ?? {},
    user: { name: "bench", role: "resolver" },
    csrfToken: "bench",
  };
  const render = s.csv && page.csv ? page.csv.bind(page) : page.render.bind(page);
  await render(ctx); // warm-up: plans and caches, as a running server has them
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await render(ctx);
    ms.push(performance.now() - start);
  }
  return { scenario: s, runs: ms };
}

/**
 * Floors, timed the same way on the same data: what any page costs (a round trip), and the least
 * a month's figures can cost (a month's payments summed from the settlement-day index alone; the
 * open exceptions counted), so the dashboard can be read against them on a noisy machine.
 */
async function floorTimings(db: DataSource, book: ConsoleBook, runs: number): Promise<Timing[]> {
  const monthEnd = addDays(`${book.today.slice(0, 7)}-01`, -1);
  const floors: [string, string, unknown[]][] = [
    ["floor: one round trip", "SELECT 1", []],
    [
      "floor: a full month's payments summed",
      "SELECT count(*), sum(amount_cents) FROM payments WHERE settled_on BETWEEN $1::date AND $2::date",
      [`${monthEnd.slice(0, 7)}-01`, monthEnd],
    ],
    ["floor: open exceptions counted", "SELECT count(*) FROM exceptions WHERE status = 'open'", []],
  ];
  const timings: Timing[] = [];
  for (const [label, sql, params] of floors) {
    const page: ConsolePage = {
      path: "",
      title: "",
      query: [],
      render: async () => JSON.stringify(await db.query(sql, params)),
    };
    timings.push(await time(db, page, { path: "(sql)", label }, runs));
  }
  return timings;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs: number[]) => Math.max(...xs);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      payments: { type: "string", default: "1000000" },
      runs: { type: "string", default: "7" },
      json: { type: "boolean", default: false },
    },
  });
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-bench-console-"));
  const db = await openDatabase({ dataDir: path.join(dir, "data") });
  try {
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM payments`)) as { n: number }[];
    if (n) throw new Error("the database must be empty (create a fresh one for each run)");
    const book: ConsoleBook = { payments: Number(values.payments), today: localToday({}) };
    await timed(`fill ${book.payments.toLocaleString("en-US")} payments`, () => fillConsoleBook(db, book, progress));
    const results: Timing[] = [];
    for (const s of await scenarios(db, book)) {
      const page = CONSOLE_PAGES.find((p) => p.path === s.path);
      if (!page) throw new Error(`no page ${s.path}`);
      results.push(await time(db, page, s, Number(values.runs)));
      progress(`${s.path} ${s.label}: median ${median(results.at(-1)?.runs ?? []).toFixed(1)} ms`);
    }
    const floors = await floorTimings(db, book, Number(values.runs));
    console.log(report(db, book, [...results, ...floors], Number(values.runs), values.json));
  } finally {
    await closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(db: DataSource, book: ConsoleBook, results: Timing[], runs: number, json: boolean): string {
  if (json)
    return JSON.stringify(
      results.map((r) => ({
        path: r.scenario.path,
        label: r.scenario.label,
        ms: r.runs.map((x) => Number(x.toFixed(2))),
      })),
    );
  const where = isEmbedded(db) ? "embedded PGlite" : "PostgreSQL";
  const table = renderTable(results, [
    { header: "page", value: (r) => r.scenario.path + (r.scenario.csv ? " (csv)" : "") },
    { header: "case", value: (r) => r.scenario.label },
    { header: "median ms", value: (r) => median(r.runs).toFixed(1), align: "right" },
    { header: "max ms", value: (r) => max(r.runs).toFixed(1), align: "right" },
    {
      header: `< ${BUDGET_MS} ms`,
      value: (r) => (r.scenario.path.startsWith("/") ? (max(r.runs) < BUDGET_MS ? "yes" : "NO") : ""),
    },
  ]);
  return `console pages on ${where}: ${book.payments.toLocaleString("en-US")} payments, ${Math.floor(book.payments / 10).toLocaleString("en-US")} open exceptions, ${runs} runs each after a warm-up\n${table}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
