import type { DataSource } from "typeorm";
import { PageInputError, text, uuid, wholeNumber } from "../console/params";
import { redact, redactText } from "../log";
import { maskDigits } from "../rules/account/mask-digits";
import { toException } from "../match/exceptions";
import { centsToDecimal } from "../model";
import { centsFromDb } from "../store/columns";

/**
 * Read-only JSON views of the ledger for /api/files, /api/payments and /api/exceptions, paged by
 * limit and offset, newest first. Account numbers leave the service masked (last 4 digits) and
 * raw record text not at all: the API is for watching the service, the report is for finance.
 */

export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
  /** The query string of the next page, or null on the last one. */
  next: string | null;
}

/** Deeper than any ledger's rows: a larger offset is a probe, and PostgreSQL's bigint would refuse a much larger one. */
export const MAX_OFFSET = 1_000_000_000;

/** The query string, one value per name, as the console's checkers read it (src/console/params.ts). */
export type Query = Record<string, string | undefined>;

export interface Paging {
  limit: number;
  offset: number;
}

export function parsePaging(query: Query): Paging {
  const limit = wholeNumber(query, "limit", MAX_LIMIT) ?? DEFAULT_LIMIT;
  if (limit < 1) throw new PageInputError(`limit must be between 1 and ${MAX_LIMIT}`);
  return { limit, offset: wholeNumber(query, "offset", MAX_OFFSET) ?? 0 };
}

/** A filter compares a column with the parameter's text, or with a uuid (checked first: PostgreSQL's cast would throw). */
type Filter = { column: string; kind: "text" | "uuid" };

interface Listing {
  from: string;
  columns: string;
  order: string;
  filters: Record<string, Filter>;
}

const byText = (column: string): Filter => ({ column, kind: "text" });
const byUuid = (column: string): Filter => ({ column, kind: "uuid" });

/** Equality filters from the query string onto known columns, as SQL and parameters. */
function filters(query: Query, allowed: Record<string, Filter>): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [param, filter] of Object.entries(allowed)) {
    const value = filter.kind === "uuid" ? uuid(query, param) : text(query, param);
    if (value === null) continue;
    params.push(value);
    clauses.push(`${filter.column} = $${params.length}`);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

async function page<R, T>(db: DataSource, query: Query, sql: Listing, shape: (row: R) => T): Promise<Page<T>> {
  const paging = parsePaging(query);
  const { where, params } = filters(query, sql.filters);
  const counted = (await db.query(`SELECT count(*)::int AS n FROM ${sql.from} ${where}`, params)) as { n: number }[];
  const rows = (await db.query(
    `SELECT ${sql.columns} FROM ${sql.from} ${where} ORDER BY ${sql.order} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, paging.limit, paging.offset],
  )) as R[];
  const total = counted[0]?.n ?? 0;
  const nextOffset = paging.offset + rows.length;
  let next: string | null = null;
  if (rows.length && nextOffset < total) {
    const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    q.set("offset", String(nextOffset));
    q.set("limit", String(paging.limit));
    next = `?${q.toString()}`;
  }
  return { items: rows.map(shape), total, limit: paging.limit, offset: paging.offset, next };
}

interface FileRow {
  id: string;
  aggregator: string;
  adapter: string;
  name: string;
  sha256: string;
  size_bytes: string;
  status: string;
  source_kind: string;
  source_location: string | null;
  payment_count: number;
  total_cents: string;
  by_kind: unknown;
  errors: unknown;
  warnings: unknown;
  attempts: number;
  received_at: Date;
  posted_at: Date | null;
}

const FILES: Listing = {
  from: "remittance_files",
  columns:
    "id, aggregator, adapter, name, sha256, size_bytes, status, source_kind, source_location, payment_count, total_cents, by_kind, errors, warnings, attempts, received_at, posted_at",
  order: "received_at DESC, id",
  filters: { aggregator: byText("aggregator"), status: byText("status") },
};

export function listFiles(db: DataSource, query: Query): Promise<Page<Record<string, unknown>>> {
  return page<FileRow, Record<string, unknown>>(db, query, FILES, (r) => ({
    id: r.id,
    aggregator: r.aggregator,
    adapter: r.adapter,
    name: r.name,
    sha256: r.sha256,
    sizeBytes: Number(r.size_bytes),
    status: r.status,
    source: { kind: r.source_kind, location: r.source_location },
    payments: r.payment_count,
    totalCents: centsFromDb(r.total_cents),
    total: centsToDecimal(centsFromDb(r.total_cents)),
    byKind: r.by_kind,
    errors: redact(r.errors),
    warnings: redact(r.warnings),
    attempts: r.attempts,
    receivedAt: r.received_at,
    postedAt: r.posted_at,
  }));
}

interface PaymentRow {
  id: string;
  file_id: string;
  aggregator: string;
  line: number;
  kind: string;
  source_ref: string | null;
  amount_cents: string;
  currency: string;
  account_raw: string | null;
  account_number: string | null;
  account_status: string;
  initiated_on: string | null;
  settled_on: string | null;
  coverage_month: string | null;
  due_on: string | null;
  lead_days: number | null;
  timing_status: string;
  plan_type: string | null;
  status: string;
  duplicate_of: string | null;
  match_status: string;
  findings: unknown;
  created_at: Date;
}

function masked(value: string | null): string | null {
  return value === null ? null : maskDigits(value);
}

const PAYMENTS: Listing = {
  from: "payments",
  columns: `id, file_id, aggregator, line, kind, source_ref, amount_cents, currency, account_raw, account_number, account_status,
    to_char(initiated_on, 'YYYY-MM-DD') AS initiated_on, to_char(settled_on, 'YYYY-MM-DD') AS settled_on, coverage_month,
    to_char(due_on, 'YYYY-MM-DD') AS due_on, lead_days, timing_status, plan_type, status, duplicate_of, match_status, findings, created_at`,
  order: "created_at DESC, file_id, line",
  filters: {
    aggregator: byText("aggregator"),
    fileId: byUuid("file_id"),
    status: byText("status"),
    kind: byText("kind"),
    timing: byText("timing_status"),
    account: byText("account_status"),
    match: byText("match_status"),
  },
};

export function listPayments(db: DataSource, query: Query): Promise<Page<Record<string, unknown>>> {
  return page<PaymentRow, Record<string, unknown>>(db, query, PAYMENTS, (r) => ({
    id: r.id,
    fileId: r.file_id,
    aggregator: r.aggregator,
    line: r.line,
    kind: r.kind,
    sourceRef: r.source_ref,
    amountCents: centsFromDb(r.amount_cents),
    amount: centsToDecimal(centsFromDb(r.amount_cents)),
    currency: r.currency,
    account: masked(r.account_number ?? r.account_raw),
    accountStatus: r.account_status,
    initiatedOn: r.initiated_on,
    settledOn: r.settled_on,
    coverageMonth: r.coverage_month,
    dueOn: r.due_on,
    leadDays: r.lead_days,
    timingStatus: r.timing_status,
    planType: r.plan_type,
    status: r.status,
    duplicateOf: r.duplicate_of,
    matchStatus: r.match_status,
    findings: redact(r.findings),
    createdAt: r.created_at,
  }));
}

/** The exception queue is another module's table: absent until its migration has run. */
export async function hasExceptions(db: DataSource): Promise<boolean> {
  const rows = (await db.query(`SELECT to_regclass('exceptions') IS NOT NULL AS present`)) as { present: boolean }[];
  return rows[0]?.present === true;
}

const EXCEPTIONS: Listing = {
  from: "exceptions",
  columns:
    "id, payment_id, invoice_id, reason, message, amount_cents, status, details, opened_at, resolved_at, resolved_by, resolution, note",
  order: "opened_at DESC, id DESC",
  filters: { status: byText("status"), reason: byText("reason"), paymentId: byUuid("payment_id") },
};

export async function listExceptions(db: DataSource, query: Query): Promise<Page<Record<string, unknown>> | null> {
  if (!(await hasExceptions(db))) return null;
  return page<Parameters<typeof toException>[0], Record<string, unknown>>(db, query, EXCEPTIONS, (r) => {
    const e = toException(r);
    return {
      ...e,
      amount: centsToDecimal(e.amountCents),
      message: redactText(e.message),
      details: redact(e.details),
      note: e.note === null ? null : redactText(e.note),
    };
  });
}

/** Every API listing and the query parameters it reads (each checked: the edge tests try arbitrary text in each). */
export const API_QUERY: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries({ "/api/files": FILES, "/api/payments": PAYMENTS, "/api/exceptions": EXCEPTIONS }).map(
    ([path, listing]) => [path, ["limit", "offset", ...Object.keys(listing.filters)]],
  ),
);
