import type { DataSource, QueryRunner } from "typeorm";
import { EXCEPTION_REASONS } from "../../src/model";
import { addDays, addMonths, daysBetween } from "../../src/rules/local-date";
import { copyRows, type CopyValue } from "../../src/store/copy";
import { account, amountCents } from "./billed-data";

/**
 * A book for the console bench, written with COPY straight into the tables (no parsing, no
 * matching: the pages only read). N payments in files of 5,000 settling over the year to `today`,
 * one file a day or so; N/4 invoices; one ladder decision and one audit entry per payment; every
 * tenth payment has an open exception (N/10: 100k for 1M), every twentieth an older one a person
 * resolved; a bank credit per file (one in ten short by a dollar); one file in fifty quarantined.
 */
export interface ConsoleBook {
  payments: number;
  today: string;
}

const PER_FILE = 5000;
const PEOPLE = ["ana.rivera", "ben.okafor", "chloe.nguyen", "dev.patel", "eli.cohen"];

/** Deterministic uuids, so that every table can name rows of another without reading it back. */
export function benchId(kind: 1 | 2 | 3, i: number): string {
  return `0000000${kind}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}
const fileId = (f: number) => benchId(1, f);
export const paymentId = (i: number) => benchId(2, i);
const invoiceId = (j: number) => benchId(3, j);

/** Payments fill files of PER_FILE in order; every fiftieth file (from the eighth) is quarantined and holds none. */
interface FileLayout {
  /** The file of each batch of PER_FILE payments. */
  fileOfBatch: number[];
  /** The batch each file holds, or -1 for a quarantined file. */
  batchOfFile: number[];
  days: string[];
  timings: ReturnType<typeof timing>[];
}

const layouts = new Map<number, FileLayout>();

function layout(book: ConsoleBook): FileLayout {
  const known = layouts.get(book.payments);
  if (known) return known;
  const l: FileLayout = { fileOfBatch: [], batchOfFile: [], days: [], timings: [] };
  for (let f = 0; l.fileOfBatch.length < Math.ceil(book.payments / PER_FILE); f++) {
    if (quarantined(f)) l.batchOfFile.push(-1);
    else l.batchOfFile.push(l.fileOfBatch.push(f) - 1);
  }
  layouts.set(book.payments, l);
  return l;
}

const quarantined = (f: number) => f % 50 === 7;

export function fileCount(book: ConsoleBook): number {
  return layout(book).batchOfFile.length;
}

function fileIndexOf(book: ConsoleBook, i: number): number {
  return layout(book).fileOfBatch[Math.floor(i / PER_FILE)];
}

/** How many payments file f holds. */
function paymentsIn(book: ConsoleBook, f: number): number {
  const batch = layout(book).batchOfFile[f];
  return batch < 0 ? 0 : Math.min(PER_FILE, book.payments - batch * PER_FILE);
}

/** File f (0 = oldest) settles on this local day; the newest settles today. Remembered: asked once per payment. */
export function settlementDay(book: ConsoleBook, f: number): string {
  const l = layout(book);
  return (l.days[f] ??= addDays(book.today, -Math.floor(((fileCount(book) - 1 - f) * 365) / fileCount(book))));
}

/** A local day and time as a timestamptz literal (New York, as received). */
const at = (day: string, time: string) => `${day} ${time} America/New_York`;

function timing(day: string): { coverage: string; due: string; lead: number; status: string } {
  const due = `${day.slice(0, 7)}-23`;
  const lead = daysBetween(day, due);
  const status = lead > 7 ? "early" : lead >= 3 ? "recommended" : lead >= 0 ? "short_lead" : "late";
  return { coverage: addMonths(day.slice(0, 7), 1), due, lead, status };
}

function* files(book: ConsoleBook): Generator<CopyValue[]> {
  for (let f = 0; f < fileCount(book); f++) {
    const day = settlementDay(book, f);
    const count = paymentsIn(book, f);
    const errors = quarantined(f)
      ? [{ code: "control_total", line: 5003, field: "entryHash", message: "batch entry hash does not add up" }]
      : [];
    const controls = [
      {
        scope: "file",
        line: 5004,
        declaredCount: count,
        parsedCount: count,
        declaredTotalCents: null,
        parsedTotalCents: null,
      },
    ];
    yield [
      fileId(f),
      "rpps",
      "nacha",
      `bench-${day}-${f}.ach`,
      f.toString(16).padStart(64, "0"),
      1_000_000,
      quarantined(f) ? "quarantined" : "posted",
      `BENCH${f}`,
      "local",
      controls,
      errors,
      count,
      at(day, "06:00"),
    ];
  }
}

function* payments(book: ConsoleBook): Generator<CopyValue[]> {
  const invoices = Math.max(1, Math.floor(book.payments / 4));
  for (let i = 0; i < book.payments; i++) {
    const f = fileIndexOf(book, i);
    const day = settlementDay(book, f);
    const t = (layout(book).timings[f] ??= timing(day));
    const billed = i % invoices;
    const matched = i % 10 !== 9;
    yield [
      paymentId(i),
      fileId(f),
      "rpps",
      (i % PER_FILE) + 1,
      "payment",
      `T${i}`,
      amountCents(billed),
      "USD",
      `MEMBER ${billed}`,
      account(billed),
      account(billed),
      "valid",
      addDays(day, -3),
      day,
      t.coverage,
      t.due,
      t.lead,
      t.status,
      "ach",
      "active",
      matched ? "matched" : "unmatched",
      matched ? "exact" : null,
      "bench",
    ];
  }
}

function* decisions(book: ConsoleBook): Generator<CopyValue[]> {
  const invoices = Math.max(1, Math.floor(book.payments / 4));
  for (let i = 0; i < book.payments; i++) {
    const day = settlementDay(book, fileIndexOf(book, i));
    const matched = i % 10 !== 9;
    const j = i % invoices;
    yield [
      benchId(2, i + 0x100000000),
      paymentId(i),
      matched ? invoiceId(j) : null,
      matched ? "exact" : "no_invoice",
      matched ? "matched" : "unmatched",
      matched ? amountCents(j) : 0,
      matched ? `account, coverage month and amount equal invoice BENCH-${j}` : "no invoice for the account and month",
      "billpay",
      at(day, "07:00"),
    ];
  }
}

function* exceptions(book: ConsoleBook): Generator<CopyValue[]> {
  for (let i = 9; i < book.payments; i += 10) {
    const day = settlementDay(book, fileIndexOf(book, i));
    const reason = EXCEPTION_REASONS[Math.floor(i / 10) % EXCEPTION_REASONS.length];
    yield [
      paymentId(i),
      reason,
      `bench ${reason}`,
      amountCents(i % 9973),
      "open",
      at(day, "07:00"),
      null,
      null,
      null,
      null,
    ];
  }
  for (let i = 8; i < book.payments; i += 20) {
    const day = settlementDay(book, fileIndexOf(book, i));
    yield [
      paymentId(i),
      "partial",
      "bench partial",
      1234,
      "resolved",
      at(day, "07:00"),
      at(day, "15:00"),
      PEOPLE[i % PEOPLE.length],
      "write-off",
      "short by less than a dollar",
    ];
  }
}

function* audit(book: ConsoleBook): Generator<CopyValue[]> {
  for (let i = 0; i < book.payments; i++) {
    const day = settlementDay(book, fileIndexOf(book, i));
    const matched = i % 10 !== 9;
    yield [
      at(day, "07:00"),
      "billpay",
      "payment",
      paymentId(i),
      matched ? "matched" : "exception_opened",
      { match_status: "unmatched" },
      { match_status: matched ? "matched" : "unmatched" },
      paymentId(i),
      null,
    ];
    if (i % 20 === 8) {
      yield [
        at(day, "15:00"),
        PEOPLE[i % PEOPLE.length],
        "exception",
        String(i),
        "resolved",
        { status: "open" },
        { status: "resolved", resolution: "write-off" },
        paymentId(i),
        "short by less than a dollar",
      ];
    }
  }
}

function* invoices(book: ConsoleBook): Generator<CopyValue[]> {
  const n = Math.max(1, Math.floor(book.payments / 4));
  for (let j = 0; j < n; j++) {
    const paid = j % 7 === 0 ? 0 : amountCents(j);
    yield [
      invoiceId(j),
      `BENCH-${String(j).padStart(7, "0")}`,
      account(j),
      `Member ${j}`,
      "health",
      addMonths(book.today.slice(0, 7), -(j % 12)),
      amountCents(j),
      paid,
      paid ? "paid" : "open",
    ];
  }
}

/** One bank credit per posted file, on a statement file of its own; one in ten is a dollar short. */
function* bankEntries(book: ConsoleBook): Generator<CopyValue[]> {
  for (let f = 0; f < fileCount(book); f++) {
    if (quarantined(f)) continue;
    const from = layout(book).batchOfFile[f] * PER_FILE;
    let cents = 0;
    for (let i = from; i < from + paymentsIn(book, f); i++)
      cents += amountCents(i % Math.max(1, Math.floor(book.payments / 4)));
    const day = settlementDay(book, f);
    yield [
      benchId(1, 0x10000000 + f),
      fileId(fileCount(book)),
      "bai2",
      f + 1,
      "credit",
      f % 10 === 3 ? cents - 100 : cents,
      "USD",
      `BENCH${f}`,
      day,
      "bench",
    ];
  }
}

const TABLES: [string, string[], (b: ConsoleBook) => Iterable<CopyValue[]>][] = [
  [
    "remittance_files",
    [
      "id",
      "aggregator",
      "adapter",
      "name",
      "sha256",
      "size_bytes",
      "status",
      "identity",
      "source_kind",
      "controls",
      "errors",
      "payment_count",
      "received_at",
    ],
    files,
  ],
  [
    "invoices",
    [
      "id",
      "invoice_number",
      "account_number",
      "member_name",
      "plan",
      "coverage_month",
      "amount_due_cents",
      "paid_cents",
      "status",
    ],
    invoices,
  ],
  [
    "payments",
    [
      "id",
      "file_id",
      "aggregator",
      "line",
      "kind",
      "source_ref",
      "amount_cents",
      "currency",
      "payer_name",
      "account_raw",
      "account_number",
      "account_status",
      "initiated_on",
      "settled_on",
      "coverage_month",
      "due_on",
      "lead_days",
      "timing_status",
      "method",
      "status",
      "match_status",
      "auto_rule",
      "raw",
    ],
    payments,
  ],
  [
    "match_decisions",
    ["id", "payment_id", "invoice_id", "rule", "outcome", "applied_cents", "reason", "decided_by", "decided_at"],
    decisions,
  ],
  [
    "exceptions",
    [
      "payment_id",
      "reason",
      "message",
      "amount_cents",
      "status",
      "opened_at",
      "resolved_at",
      "resolved_by",
      "resolution",
      "note",
    ],
    exceptions,
  ],
  ["audit_log", ["at", "actor", "entity", "entity_id", "action", "before", "after", "payment_id", "note"], audit],
];

/** Writes the book, a table at a time, each in one COPY; the bank statement file first, as credits name it. */
export async function fillConsoleBook(db: DataSource, book: ConsoleBook, log: (m: string) => void): Promise<void> {
  const runner: QueryRunner = db.createQueryRunner();
  await runner.connect();
  try {
    for (const [table, columns, rows] of TABLES) {
      const start = Date.now();
      await copyRows(runner, table, columns, rows(book));
      if (table === "remittance_files") await statementFile(runner, book);
      log(`${table}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }
    await copyRows(
      runner,
      "bank_entries",
      [
        "id",
        "file_id",
        "aggregator",
        "line",
        "direction",
        "amount_cents",
        "currency",
        "customer_ref",
        "value_on",
        "raw",
      ],
      bankEntries(book),
    );
  } finally {
    await runner.release();
  }
  for (const table of [
    "remittance_files",
    "invoices",
    "payments",
    "match_decisions",
    "exceptions",
    "audit_log",
    "bank_entries",
  ]) {
    await db.query(`VACUUM ANALYZE ${table}`);
  }
}

async function statementFile(runner: QueryRunner, book: ConsoleBook): Promise<void> {
  await runner.query(
    `INSERT INTO remittance_files (id, aggregator, adapter, name, sha256, size_bytes, status, source_kind, received_at)
     VALUES ($1, 'bai2', 'bai2', 'bench-statement.bai', repeat('f', 64), 1, 'posted', 'local', $2::timestamptz)`,
    [fileId(fileCount(book)), at(book.today, "05:00")],
  );
}
