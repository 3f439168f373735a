import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { centsToDecimal, type PlanType } from "../../src/model";
import { addDays } from "../../src/rules/local-date";
import type { CsvPayment } from "./remittance-files";

/**
 * A generated book for matching at scale: billing data and bank-csv remittance files over several
 * settlement days, in two phases (the second brings billing data for accounts that paid before
 * they were billed, and more files). Every case the ladder and the reversal logic handle is in it:
 * exact, partial (and its remainder later), overpaid, late, combined plans, unclear plans, a month
 * paid twice, resent payments and other duplicates, reversals and returns by reference and by
 * account and amount, reversals before their originals (in the same run and in an earlier one),
 * two reversals of one payment, reversals of nothing held, unknown then billed accounts, accounts
 * never billed, invalid accounts. The same seed gives the same book.
 */
export interface BookInvoice {
  invoice: string;
  account: string;
  name: string;
  plan: PlanType;
  month: string;
  cents: number;
  firstPayment: boolean;
}

export interface BookFile {
  name: string;
  settled: string;
  rows: CsvPayment[];
}

export interface BookPhase {
  /** Billing data imported at the start of the phase. */
  invoices: BookInvoice[];
  /** Files ingested in this order, after the phase's billing data. */
  files: BookFile[];
}

export interface Book {
  phases: BookPhase[];
  rows: number;
}

/** The coverage month each phase pays, and the settlement days of its files (the last one after the 23rd: late). */
const PHASES = [
  { month: "2017-04", days: ["2017-03-06", "2017-03-09", "2017-03-14", "2017-03-17", "2017-03-21", "2017-03-27"] },
  { month: "2017-05", days: ["2017-04-05", "2017-04-10", "2017-04-13", "2017-04-19", "2017-04-26"] },
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type AccountKind = "health" | "both" | "later" | "never" | "invalid";

/** One phase's files while they are being filled: rows by day index, plus rows placed in other phases. */
class Files {
  readonly byPhase = PHASES.map((p) => p.days.map((): CsvPayment[] => []));
  private seq = 0;
  constructor(private readonly rand: () => number) {}

  nextId(): string {
    return `P${String(++this.seq).padStart(6, "0")}`;
  }
  day(phase: number, index: number): string {
    return PHASES[phase].days[index];
  }
  /** A payment settling on day `index` of the phase, sent three days before. */
  pay(phase: number, index: number, account: string, name: string, cents: number, id = this.nextId()): CsvPayment {
    const settled = this.day(phase, index);
    const row: CsvPayment = {
      id,
      sent: addDays(settled, -3),
      settled,
      amount: centsToDecimal(cents),
      account,
      name,
    };
    this.byPhase[phase][index].push(row);
    return row;
  }
  /** A row placed as it is (a resend, another trace) in a file of a later day. */
  place(phase: number, index: number, row: CsvPayment): void {
    this.byPhase[phase][index].push(row);
  }
  /** A reversal or return of `original` in the file of day `index`, by reference or (no reference) by account and amount. */
  undo(
    phase: number,
    index: number,
    original: CsvPayment,
    how: "ref" | "near" | "unknown",
    type: "REV" | "RTN" = "REV",
  ) {
    const settled = this.day(phase, index);
    this.byPhase[phase][index].push({
      id: this.nextId(),
      type,
      sent: addDays(settled, -1),
      settled,
      amount: original.amount,
      account: original.account,
      name: original.name,
      original: how === "ref" ? original.id : how === "unknown" ? `NOPE${this.seq}` : undefined,
      reason: type === "RTN" ? "R01" : undefined,
    });
  }
  /** A day index of the phase before the late day, leaving `room` later days. */
  early(phase: number, room = 0): number {
    return Math.floor(this.rand() * (PHASES[phase].days.length - 1 - room));
  }
}

interface Member {
  account: string;
  name: string;
  kind: AccountKind;
  /** Amount due per plan and month. */
  health: number;
  dental: number;
}

function accountKind(r: number): AccountKind {
  if (r < 0.7) return "health";
  if (r < 0.86) return "both";
  if (r < 0.93) return "later";
  if (r < 0.97) return "never";
  return "invalid";
}

function invoicesOf(m: Member, rand: () => number): BookInvoice[] {
  const plans: PlanType[] = m.kind === "both" ? ["health", "dental"] : ["health"];
  const first = rand() < 0.06;
  return PHASES.flatMap(({ month }, i) =>
    plans.map((plan) => ({
      invoice: `${m.account.trim()}-${plan[0].toUpperCase()}-${month}`,
      account: m.account.trim(),
      name: m.name,
      plan,
      month,
      cents: plan === "health" ? m.health : m.dental,
      firstPayment: first && i === 0,
    })),
  );
}

/** What one health-only (or later billed) member does in one phase's month. */
function payMonth(f: Files, rand: () => number, m: Member, phase: number): void {
  const r = rand();
  const due = m.health;
  const d = f.early(phase, 2);
  const pay = (cents: number, index = d) => f.pay(phase, index, m.account, m.name, cents);
  if (r < 0.46) pay(due);
  else if (r < 0.54) {
    const part = due - 1000 - Math.floor(rand() * 4000);
    pay(part);
    pay(due - part, rand() < 0.5 ? d : d + 1); // the rest, in the same file or the next
  } else if (r < 0.59) pay(due - 500 - Math.floor(rand() * 5000));
  else if (r < 0.64) pay(due + 100 + Math.floor(rand() * 2000));
  else if (r < 0.68)
    pay(due, PHASES[phase].days.length - 1); // after the 23rd: dated into the next month
  else if (r < 0.72)
    f.place(phase, d + 1, { ...pay(due) }); // resent in another file: a duplicate row
  else if (r < 0.75)
    f.place(phase, d + 2, { ...pay(due), id: f.nextId() }); // same account, amount, day
  else if (r < 0.77)
    f.place(phase, d + 1, { ...pay(due), settled: f.day(phase, d + 1) }); // same trace
  else if (r < 0.81) f.undo(phase, d + 1 + Math.floor(rand() * 2), pay(due), "ref");
  else if (r < 0.83) f.undo(phase, d + 2, pay(due), "ref", "RTN");
  else if (r < 0.85) f.undo(phase, d + 1, pay(due), "near");
  else if (r < 0.87) {
    // The reversal comes first: in an earlier file of this run, or (phase 2) of the run before.
    const row = {
      id: f.nextId(),
      sent: "",
      settled: "",
      amount: centsToDecimal(due),
      account: m.account,
      name: m.name,
    };
    if (phase === 1 && rand() < 0.5) f.undo(0, PHASES[0].days.length - 2, row, "ref");
    else f.undo(phase, d, row, "ref");
    f.pay(phase, d + 2, m.account, m.name, due, row.id);
  } else if (r < 0.88) {
    const paid = pay(due);
    f.undo(phase, d + 1, paid, "ref");
    f.undo(phase, d + 2, paid, "ref", "RTN");
  } else if (r < 0.89) f.undo(phase, d + 1, pay(due), "unknown");
  else if (r < 0.92) {
    pay(due);
    pay(due, d + 1); // the month paid twice
  } else if (r < 0.94) f.undo(phase, d + 1, pay(due + 100 + Math.floor(rand() * 2000)), "near", "RTN");
  // else: nothing paid this month
}

/** A member billed for health and dental. */
function payBoth(f: Files, rand: () => number, m: Member, phase: number): void {
  const r = rand();
  const d = f.early(phase, 1);
  const pay = (cents: number, index = d) => f.pay(phase, index, m.account, m.name, cents);
  if (r < 0.3) pay(m.health + m.dental);
  else if (r < 0.6) {
    pay(m.health);
    pay(m.dental, d + 1);
  } else if (r < 0.7) pay(m.health + m.dental - 700);
  else if (r < 0.76) pay(m.health + m.dental + 900);
  else if (r < 0.82) pay(m.dental);
  else payMonth(f, rand, m, phase);
}

function payAccount(f: Files, rand: () => number, m: Member): void {
  for (const phase of [0, 1]) {
    const d = f.early(phase, 1);
    if (m.kind === "both") payBoth(f, rand, m, phase);
    else if (m.kind === "health" || m.kind === "later") payMonth(f, rand, m, phase);
    else if (m.kind === "never") f.pay(phase, d, m.account, m.name, m.health);
    else if (rand() < 0.5) f.pay(phase, d, m.account, m.name, m.health);
    else f.undo(phase, d + 1, f.pay(phase, d, m.account, m.name, m.health), "near");
  }
}

function member(i: number, rand: () => number): Member {
  const kind = accountKind(rand());
  const digits = String(10_000_000 + i * 7).slice(-8);
  const invalid = i % 2 === 0 ? `7${digits.slice(1)}` : `078-${digits.slice(0, 2)}-${digits.slice(2, 6)}`;
  const account = kind === "invalid" ? invalid : rand() < 0.05 ? ` 7${digits} ` : `7${digits}`;
  return {
    account,
    name: `Member ${i}`,
    kind,
    health: 15_000 + Math.floor(rand() * 50_000),
    dental: 2_000 + Math.floor(rand() * 4_000),
  };
}

export function generateBook(options: { accounts: number; seed?: number }): Book {
  const rand = mulberry32(options.seed ?? 20170320);
  const f = new Files(rand);
  const billed: BookInvoice[][] = [[], []];
  for (let i = 0; i < options.accounts; i++) {
    const m = member(i, rand);
    if (m.kind === "health" || m.kind === "both") billed[0].push(...invoicesOf(m, rand));
    if (m.kind === "later") billed[1].push(...invoicesOf(m, rand));
    payAccount(f, rand, m);
  }
  const phases = f.byPhase.map((days, phase) => ({
    invoices: billed[phase],
    files: days
      .map((rows, index) => ({
        name: `book-${PHASES[phase].days[index]}.csv`,
        settled: PHASES[phase].days[index],
        rows,
      }))
      .filter((file) => file.rows.length),
  }));
  return { phases, rows: phases.reduce((n, p) => n + p.files.reduce((s, file) => s + file.rows.length, 0), 0) };
}

/** Billing data written straight to the table (no import audit entries): the book's invoices, open. */
export async function insertInvoices(db: DataSource, invoices: BookInvoice[]): Promise<void> {
  for (let start = 0; start < invoices.length; start += 10_000) {
    const chunk = invoices.slice(start, start + 10_000);
    const column = <K extends keyof BookInvoice>(k: K) => chunk.map((i) => i[k]);
    await db.query(
      `INSERT INTO invoices (id, invoice_number, account_number, member_name, plan, coverage_month, amount_due_cents, first_payment, paid_cents, status)
       SELECT * , 0, 'open' FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::boolean[])`,
      [
        chunk.map(() => randomUUID()),
        column("invoice"),
        column("account"),
        column("name"),
        column("plan"),
        column("month"),
        column("cents"),
        column("firstPayment"),
      ],
    );
  }
}
