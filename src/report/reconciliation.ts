import {
  REPAIRED_MATCH,
  type ControlRecord,
  type FileStatus,
  type MatchStatus,
  type PaymentKind,
  type TimingStatus,
} from "../model";
import type { Sql } from "../store/sql";
import { centsFromDb } from "../store/columns";
import { pairBankCredits, type BankLine, type RemittanceGroup } from "./bank-pairing";

/**
 * The reconciliation report for a period of settlement days, as data; renderers (table, CSV,
 * JSON, HTML) only lay it out. Every money figure is integer cents summed in SQL.
 *
 * What "in the period" means:
 *  - a payment: it settles in the period (active rows only: a resent duplicate is never counted);
 *  - a file: one of its payments settles, or one of its bank entries is valued, in the period,
 *    or it was received in the period (a quarantined file has no payments);
 *  - an exception: its payment settles in the period (or, with no payment, it opened in it);
 *  - a bank credit: its value date (else its booking date) is in the period.
 */
export interface ReportPeriod {
  from: string;
  to: string;
  /** The moment ages are counted to; now by default (fixed in tests). */
  asOf?: Date;
}

export interface FileLine {
  id: string;
  name: string;
  aggregator: string;
  status: FileStatus;
  receivedAt: string;
  /** The outermost control (file level when the format has one). */
  declaredCount: number | null;
  parsedCount: number | null;
  declaredTotalCents: number | null;
  parsedTotalCents: number | null;
  /** Every control the file declares agrees with what was parsed. */
  controlsAgree: boolean;
  controls: ControlRecord[];
  payments: number;
  bankEntries: number;
  netCents: number;
  errors: number;
}

export interface CountCents {
  count: number;
  cents: number;
}

export interface DayLine {
  day: string;
  byKind: Partial<Record<PaymentKind, CountCents>>;
  /** Payments (money in) only. */
  byTiming: Partial<Record<TimingStatus, CountCents>>;
  byMatch: Partial<Record<MatchStatus, CountCents>>;
  /** Resent copies of a payment already received (stored, not counted above). */
  resent: number;
  netCents: number;
}

export interface MatchRate {
  payments: number;
  paymentCents: number;
  autoMatched: number;
  autoMatchedCents: number;
  /** Percent with one decimal, as text (no float arithmetic on money: it is a ratio of counts). */
  byCount: string;
  byAmount: string;
  /** The rate had each wrong-account exception's first repair suggestion been applied (one that pays invoices). */
  withSuggestions: { matched: number; matchedCents: number; byCount: string; byAmount: string };
  byAggregator: MatchRateLine[];
  /** Payments by the ladder's rung that decided them (their match status), and how many of each were auto-matched. */
  byRung: MatchRateLine[];
}

/** One aggregator's (or rung's) payments: auto-matched, and auto-matched or repairable by a suggestion. */
export interface MatchRateLine {
  key: string;
  payments: number;
  cents: number;
  autoMatched: number;
  withSuggestions: number;
}

export interface ExceptionLine {
  reason: string;
  open: number;
  openCents: number;
  resolved: number;
  oldestOpenDays: number | null;
  meanOpenDays: number | null;
}

export interface ReconciliationReport {
  period: { from: string; to: string };
  generatedAt: string;
  files: FileLine[];
  days: DayLine[];
  totals: { byKind: Partial<Record<PaymentKind, CountCents>>; netCents: number; resent: number };
  matchRate: MatchRate;
  exceptions: ExceptionLine[];
  bank: BankLine[];
  bankPairingRule: string;
}

/** A summed or stored bigint cents value; an empty sum (null) is 0. */
const n = (v: string | number | null | undefined): number => (v === null || v === undefined ? 0 : centsFromDb(v));

/** Ratio as a percent with one decimal, in integer arithmetic. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return "n/a";
  const tenths = Math.round((part * 1000) / whole);
  return `${Math.trunc(tenths / 10)}.${tenths % 10}%`;
}

/**
 * The one control that speaks for the whole file: its file-level control, a camt statement's
 * total of entries, else the sum of its per-transaction, per-batch or per-account controls.
 */
export function headline(controls: ControlRecord[]): ControlRecord | null {
  const whole = controls.find((c) => c.scope === "file") ?? controls.find((c) => /TtlNtries$/.test(c.scope));
  if (whole) return whole;
  const sum = (values: (number | null)[]) =>
    values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v as number), 0);
  for (const prefix of ["transaction ", "batch ", "account "]) {
    const parts = controls.filter((c) => c.scope.startsWith(prefix));
    if (!parts.length) continue;
    return {
      scope: `${parts.length} ${prefix.trim()}${parts.length === 1 ? "" : "s"}`,
      line: parts[0].line,
      declaredCount: sum(parts.map((c) => c.declaredCount)),
      parsedCount: sum(parts.map((c) => c.parsedCount)),
      declaredTotalCents: sum(parts.map((c) => c.declaredTotalCents)),
      parsedTotalCents: sum(parts.map((c) => c.parsedTotalCents)),
    };
  }
  return controls[controls.length - 1] ?? null;
}

/** A declared figure the format does not carry (null) is not a disagreement. */
export function agrees(c: ControlRecord): boolean {
  const count = c.declaredCount === null || c.parsedCount === null || c.declaredCount === c.parsedCount;
  const total =
    c.declaredTotalCents === null || c.parsedTotalCents === null || c.declaredTotalCents === c.parsedTotalCents;
  return count && total;
}

export async function buildReport(sql: Sql, period: ReportPeriod): Promise<ReconciliationReport> {
  const asOf = period.asOf ?? new Date();
  const p = [period.from, period.to];
  const files = await fileLines(sql, p);
  const { days, totals } = await dayLines(sql, p);
  const matchRate = await matchRateOf(sql, p);
  const exceptions = await exceptionLines(sql, p, asOf);
  const { lines: bank, rule } = await bankLines(sql, period);
  return {
    period: { from: period.from, to: period.to },
    generatedAt: asOf.toISOString(),
    files,
    days,
    totals,
    matchRate,
    exceptions,
    bank,
    bankPairingRule: rule,
  };
}

type FileRow = {
  id: string;
  name: string;
  aggregator: string;
  status: FileStatus;
  received_at: Date;
  controls: ControlRecord[];
  errors: number;
  payment_count: number;
  bank_entry_count: number;
  net: string;
};

export async function fileLines(sql: Sql, p: string[]): Promise<FileLine[]> {
  const fileRows = (await sql.query(
    `SELECT f.id, f.name, f.aggregator, f.status, f.received_at, f.controls, jsonb_array_length(f.errors) AS errors,
            f.payment_count, f.bank_entry_count, f.total_cents::text AS net
       FROM remittance_files f
      WHERE EXISTS (SELECT 1 FROM payments x WHERE x.file_id = f.id AND x.settled_on BETWEEN $1::date AND $2::date)
         OR EXISTS (SELECT 1 FROM bank_entries b WHERE b.file_id = f.id AND coalesce(b.value_on, b.booked_on) BETWEEN $1::date AND $2::date)
         OR (f.received_at AT TIME ZONE 'America/New_York')::date BETWEEN $1::date AND $2::date
      ORDER BY f.received_at, f.name`,
    p,
  )) as FileRow[];
  return fileRows.map(fileLine);
}

function fileLine(r: FileRow): FileLine {
  const h = headline(r.controls);
  return {
    id: r.id,
    name: r.name,
    aggregator: r.aggregator,
    status: r.status,
    receivedAt: new Date(r.received_at).toISOString(),
    declaredCount: h?.declaredCount ?? null,
    parsedCount: h?.parsedCount ?? null,
    declaredTotalCents: h?.declaredTotalCents ?? null,
    parsedTotalCents: h?.parsedTotalCents ?? null,
    controlsAgree: r.controls.every(agrees),
    controls: r.controls,
    payments: r.payment_count,
    bankEntries: r.bank_entry_count,
    netCents: n(r.net),
    errors: r.errors,
  };
}

type DayRow = {
  day: string;
  kind: PaymentKind;
  timing_status: TimingStatus;
  match_status: MatchStatus;
  status: string;
  count: number;
  cents: string;
};

export async function dayLines(
  sql: Sql,
  p: string[],
): Promise<{ days: DayLine[]; totals: ReconciliationReport["totals"] }> {
  const dayRows = (await sql.query(
    `SELECT settled_on::text AS day, kind, timing_status, match_status, status, count(*)::int AS count, sum(amount_cents)::text AS cents
       FROM payments WHERE settled_on BETWEEN $1::date AND $2::date
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1`,
    p,
  )) as DayRow[];
  const days = new Map<string, DayLine>();
  const totals: ReconciliationReport["totals"] = { byKind: {}, netCents: 0, resent: 0 };
  for (const r of dayRows) {
    const day = days.get(r.day) ?? { day: r.day, byKind: {}, byTiming: {}, byMatch: {}, resent: 0, netCents: 0 };
    days.set(r.day, day);
    countDayRow(r, day, totals);
  }
  return { days: [...days.values()], totals };
}

/** Adds one group of a day's payments to that day and to the period's totals. */
function countDayRow(r: DayRow, day: DayLine, totals: ReconciliationReport["totals"]): void {
  if (r.status !== "active") {
    day.resent += r.count;
    totals.resent += r.count;
    return;
  }
  const cents = n(r.cents);
  add(day.byKind, r.kind, r.count, cents);
  add(totals.byKind, r.kind, r.count, cents);
  add(day.byMatch, r.match_status, r.count, cents);
  if (r.kind === "payment") add(day.byTiming, r.timing_status, r.count, cents);
  const signed = r.kind === "payment" ? cents : r.kind === "reversal" || r.kind === "return" ? -cents : 0;
  day.netCents += signed;
  totals.netCents += signed;
}

function add<K extends string>(into: Partial<Record<K, CountCents>>, key: K, count: number, cents: number): void {
  const slot = (into[key] ??= { count: 0, cents: 0 });
  slot.count += count;
  slot.cents += cents;
}

interface RateRow {
  aggregator: string;
  rung: string;
  payments: number;
  cents: string;
  matched: number;
  matched_cents: string;
  repairable: number;
  repairable_cents: string;
}

/**
 * The auto-match rate, by aggregator and by rung, with and without repair suggestions: a payment
 * counts as repairable when an open wrong-account exception of it has a first suggestion that
 * pays invoices. Whether a payment was matched with no person is its own column (auto_rule, kept
 * with the decision): a month holds tens of thousands of payments, and a look-up of each one's
 * decisions cost most of the time.
 */
export async function matchRateOf(sql: Sql, p: string[]): Promise<MatchRate> {
  // A payment the repair rung matched is its own rung: its match status alone would not tell it from the exact rule's.
  const keys = `p.aggregator, CASE WHEN p.auto_rule = '${REPAIRED_MATCH}' THEN p.auto_rule ELSE p.match_status END AS rung`;
  const rows = (await sql.query(
    `SELECT ${keys}, count(*)::int AS payments, coalesce(sum(p.amount_cents), 0)::text AS cents,
            count(*) FILTER (WHERE p.auto_rule IS NOT NULL)::int AS matched,
            coalesce(sum(p.amount_cents) FILTER (WHERE p.auto_rule IS NOT NULL), 0)::text AS matched_cents
       FROM payments p
      WHERE p.kind = 'payment' AND p.status = 'active' AND p.settled_on BETWEEN $1::date AND $2::date
      GROUP BY 1, 2`,
    p,
  )) as Omit<RateRow, "repairable" | "repairable_cents">[];
  // From the open exceptions' side (few, and indexed), not one more look-up per payment of the period.
  const repairable = (await sql.query(
    `SELECT ${keys}, count(*)::int AS repairable, coalesce(sum(p.amount_cents), 0)::text AS repairable_cents
       FROM payments p
      WHERE p.id IN (SELECT e.payment_id FROM exceptions e
                      WHERE e.status = 'open' AND e.reason IN ('invalid_account', 'unknown_account')
                        AND jsonb_array_length(coalesce(e.suggestions -> 0 -> 'invoices', '[]')) > 0)
        AND p.kind = 'payment' AND p.status = 'active' AND p.settled_on BETWEEN $1::date AND $2::date
        AND p.auto_rule IS NULL
      GROUP BY 1, 2`,
    p,
  )) as Pick<RateRow, "aggregator" | "rung" | "repairable" | "repairable_cents">[];
  return rateOf(
    rows.map((r) => {
      const extra = repairable.find((x) => x.aggregator === r.aggregator && x.rung === r.rung);
      return { ...r, repairable: extra?.repairable ?? 0, repairable_cents: extra?.repairable_cents ?? "0" };
    }),
  );
}

function rateOf(rows: RateRow[]): MatchRate {
  const sum = (pick: (r: RateRow) => number | string) => rows.reduce((t, r) => t + n(pick(r)), 0);
  const [payments, cents, matched, matchedCents] = [
    sum((r) => r.payments),
    sum((r) => r.cents),
    sum((r) => r.matched),
    sum((r) => r.matched_cents),
  ];
  const repaired = matched + sum((r) => r.repairable);
  const repairedCents = matchedCents + sum((r) => r.repairable_cents);
  return {
    payments,
    paymentCents: cents,
    autoMatched: matched,
    autoMatchedCents: matchedCents,
    byCount: percent(matched, payments),
    byAmount: percent(matchedCents, cents),
    withSuggestions: {
      matched: repaired,
      matchedCents: repairedCents,
      byCount: percent(repaired, payments),
      byAmount: percent(repairedCents, cents),
    },
    byAggregator: rateLines(rows, (r) => r.aggregator),
    byRung: rateLines(rows, (r) => r.rung),
  };
}

function rateLines(rows: RateRow[], keyOf: (r: RateRow) => string): MatchRateLine[] {
  const lines = new Map<string, MatchRateLine>();
  for (const r of rows) {
    const key = keyOf(r);
    const line = lines.get(key) ?? { key, payments: 0, cents: 0, autoMatched: 0, withSuggestions: 0 };
    line.payments += r.payments;
    line.cents += n(r.cents);
    line.autoMatched += r.matched;
    line.withSuggestions += r.matched + r.repairable;
    lines.set(key, line);
  }
  return [...lines.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Two indexed halves (by the payment's settlement day, or opened on the day when there is no payment), not an OR over a join of every exception. */
export async function exceptionLines(sql: Sql, p: string[], asOf: Date): Promise<ExceptionLine[]> {
  const exceptionRows = (await sql.query(
    `SELECT e.reason,
            count(*) FILTER (WHERE e.status = 'open')::int AS open,
            coalesce(sum(e.amount_cents) FILTER (WHERE e.status = 'open'), 0)::text AS open_cents,
            count(*) FILTER (WHERE e.status = 'resolved')::int AS resolved,
            max(floor(extract(epoch FROM ($3::timestamptz - e.opened_at)) / 86400)) FILTER (WHERE e.status = 'open') AS oldest,
            round(avg(extract(epoch FROM ($3::timestamptz - e.opened_at)) / 86400) FILTER (WHERE e.status = 'open'), 1)::text AS mean
       FROM (SELECT e.* FROM payments x JOIN exceptions e ON e.payment_id = x.id WHERE x.settled_on BETWEEN $1::date AND $2::date
             UNION ALL
             SELECT e.* FROM exceptions e
              WHERE e.payment_id IS NULL AND (e.opened_at AT TIME ZONE 'America/New_York')::date BETWEEN $1::date AND $2::date) e
      GROUP BY e.reason ORDER BY e.reason`,
    [...p, asOf.toISOString()],
  )) as {
    reason: string;
    open: number;
    open_cents: string;
    resolved: number;
    oldest: string | null;
    mean: string | null;
  }[];
  return exceptionRows.map((r) => ({
    reason: r.reason,
    open: r.open,
    openCents: n(r.open_cents),
    resolved: r.resolved,
    // An exception opened after `asOf` (a report dated in the past) counts as 0 days old.
    oldestOpenDays: r.oldest === null ? null : Math.max(0, Number(r.oldest)),
    meanOpenDays: r.mean === null ? null : Math.max(0, Number(r.mean)),
  }));
}

/** Payments are summed by file and day first (from the settlement-day index alone), then joined to their few files. */
export async function bankLines(sql: Sql, period: ReportPeriod): Promise<{ lines: BankLine[]; rule: string }> {
  const credits = (await sql.query(
    `SELECT b.id, coalesce(b.value_on, b.booked_on)::text AS day, b.amount_cents::text AS cents, b.bank_ref, b.customer_ref, b.text, f.name AS statement
       FROM bank_entries b JOIN remittance_files f ON f.id = b.file_id
      WHERE b.direction = 'credit' AND coalesce(b.value_on, b.booked_on) BETWEEN $1::date AND $2::date
      ORDER BY 2, b.line`,
    [period.from, period.to],
  )) as {
    id: string;
    day: string;
    cents: string;
    bank_ref: string | null;
    customer_ref: string | null;
    text: string | null;
    statement: string;
  }[];
  const groups = (await sql.query(
    `SELECT f.id AS file_id, f.name, f.identity, f.header, f.total_cents::text AS file_net, g.day, g.net::text AS net
       FROM (SELECT p.file_id, p.settled_on::text AS day,
                    sum(CASE p.kind WHEN 'payment' THEN p.amount_cents ELSE -p.amount_cents END) AS net
               FROM payments p
              WHERE p.status = 'active' AND p.kind IN ('payment','reversal','return')
                AND p.settled_on BETWEEN $1::date - 3 AND $2::date + 3
              GROUP BY 1, 2) g
       JOIN remittance_files f ON f.id = g.file_id
      WHERE f.status = 'posted'
      ORDER BY g.day, f.name`,
    [period.from, period.to],
  )) as {
    file_id: string;
    name: string;
    identity: string | null;
    header: Record<string, unknown>;
    file_net: string;
    day: string;
    net: string;
  }[];
  const remittances: RemittanceGroup[] = groups.map((g) => ({
    fileId: g.file_id,
    fileName: g.name,
    keys: [g.identity, g.header?.fileId, g.header?.msgId].filter(
      (k): k is string => typeof k === "string" && k.length >= 6,
    ),
    fileNetCents: n(g.file_net),
    day: g.day,
    netCents: n(g.net),
    inPeriod: g.day >= period.from && g.day <= period.to,
  }));
  return pairBankCredits(
    credits.map((c) => ({
      id: c.id,
      day: c.day,
      cents: n(c.cents),
      refs: [c.customer_ref, c.bank_ref, c.text].filter((r): r is string => !!r),
      statement: c.statement,
      reference: c.customer_ref ?? c.bank_ref ?? c.text,
    })),
    remittances,
  );
}
