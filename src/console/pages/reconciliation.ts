import { formatUsd } from "../../model";
import type { BankLine } from "../../report/bank-pairing";
import { countCents } from "../../report/labels";
import { bankLines, dayLines, type DayLine } from "../../report/reconciliation";
import { addDays } from "../../rules/local-date";
import type { Sql } from "../../store/sql";
import { csvLink, gridCsv, gridHtml, type GridColumn } from "../grid";
import { h } from "../html";
import { filterForm, textField } from "../form";
import { consoleDocument } from "../layout";
import type { ConsolePage, PageContext } from "../page";
import { isoDate, localToday, PageInputError } from "../params";

const PATH = "/console/reconciliation";

/** One settlement day: what the files remitted, what the bank credited, and the difference. */
export interface SettlementDay {
  day: string;
  line: DayLine | null;
  creditCents: number;
  remittanceCents: number;
  differenceCents: number;
}

export function reconciliationPeriod(q: PageContext["query"]): { from: string; to: string } {
  const today = localToday(q);
  const to = isoDate(q, "to") ?? today;
  const from = isoDate(q, "from") ?? `${to.slice(0, 7)}-01`;
  if (from > to) throw new PageInputError("from must not be after to");
  if (from < addDays(to, -92)) throw new PageInputError("a period is at most 93 days; drill down by month");
  return { from, to };
}

/** Settlement days of the period: the reconciliation report's day lines beside its bank pairing, by day. */
export async function loadSettlementDays(
  db: Sql,
  from: string,
  to: string,
): Promise<{ days: SettlementDay[]; rule: string }> {
  const [{ days }, bank] = await Promise.all([dayLines(db, [from, to]), bankLines(db, { from, to })]);
  const byDay = new Map<string, SettlementDay>();
  const slot = (day: string) => {
    const s = byDay.get(day) ?? { day, line: null, creditCents: 0, remittanceCents: 0, differenceCents: 0 };
    byDay.set(day, s);
    return s;
  };
  for (const d of days) slot(d.day).line = d;
  for (const b of bank.lines) addBank(slot(bankDay(b)), b);
  return { days: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)), rule: bank.rule };
}

/** A paired credit counts on its value date; an unpaired remittance on its settlement day. */
function bankDay(b: BankLine): string {
  return b.valueOn ?? b.settledOn ?? "";
}

function addBank(s: SettlementDay, b: BankLine): void {
  s.creditCents += b.creditCents ?? 0;
  s.remittanceCents += b.remittanceCents ?? 0;
  s.differenceCents += b.differenceCents;
}

const COLUMNS: GridColumn<SettlementDay>[] = [
  { header: "Day", text: (d) => d.day, html: (d) => `<a href="${PATH}/${h(d.day)}">${h(d.day)}</a>` },
  { header: "Payments", num: true, text: (d) => countCents(d.line?.byKind.payment) },
  { header: "Reversals", num: true, text: (d) => countCents(d.line?.byKind.reversal) },
  { header: "Returns", num: true, text: (d) => countCents(d.line?.byKind.return) },
  { header: "Net remitted", num: true, text: (d) => formatUsd(d.line?.netCents ?? 0) },
  { header: "Bank credits", num: true, text: (d) => formatUsd(d.creditCents) },
  { header: "Paired remittance", num: true, text: (d) => formatUsd(d.remittanceCents) },
  { header: "Difference", num: true, text: (d) => formatUsd(d.differenceCents) },
];

function periodForm(from: string, to: string): string {
  return filterForm(
    PATH,
    [textField("from", "From (YYYY-MM-DD)", from), textField("to", "To (YYYY-MM-DD)", to)],
    "Show",
  );
}

async function load(ctx: PageContext) {
  const { from, to } = reconciliationPeriod(ctx.query);
  return { from, to, ...(await loadSettlementDays(ctx.db, from, to)) };
}

export const reconciliationPage: ConsolePage = {
  path: PATH,
  query: ["day", "from", "to"],
  title: "Reconciliation",
  async render(ctx) {
    const v = await load(ctx);
    const body =
      periodForm(v.from, v.to) + gridHtml(COLUMNS, v.days) + csvLink(PATH, ctx) + `<p class="rule">${h(v.rule)}</p>`;
    return consoleDocument(ctx, `Reconciliation by settlement day, ${v.from} to ${v.to}`, body);
  },
  csv: async (ctx) => gridCsv(COLUMNS, (await load(ctx)).days),
};
