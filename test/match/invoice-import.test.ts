import { expect } from "chai";
import { importInvoices } from "../../src/match/invoice-import";
import { freshDatabase, type TestDatabase } from "../support/database";
import { INVOICE_HEADER, RemittanceFolder } from "./remittance-files";

interface Counts {
  invoices: number;
  audit: number;
}

interface AuditRow {
  actor: string;
  entity: string;
  entity_id: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  payment_id: string | null;
  note: string | null;
}

async function counts(t: TestDatabase): Promise<Counts> {
  const [row] = (await t.db.query(
    `SELECT (SELECT count(*)::int FROM invoices) AS invoices, (SELECT count(*)::int FROM audit_log) AS audit`,
  )) as Counts[];
  return row;
}

/** The audit entries of invoices (not of imports) after `afterId`, oldest first, with the invoice number they concern. */
async function auditSince(t: TestDatabase, afterId: number): Promise<(AuditRow & { invoice: string })[]> {
  return (await t.db.query(
    `SELECT a.actor, a.entity, a.entity_id, a.action, a.before, a.after, a.payment_id, a.note, i.invoice_number AS invoice
       FROM audit_log a LEFT JOIN invoices i ON i.id::text = a.entity_id
      WHERE a.id > $1 AND a.entity = 'invoice' ORDER BY a.id`,
    [afterId],
  )) as (AuditRow & { invoice: string })[];
}

async function lastAuditId(t: TestDatabase): Promise<number> {
  const [row] = (await t.db.query(`SELECT coalesce(max(id), 0)::int AS id FROM audit_log`)) as { id: number }[];
  return row.id;
}

const csv = (...rows: string[]) => [INVOICE_HEADER, ...rows, ""].join("\n");

describe("invoices import (bulk): bad rows, re-imports, changes and clashes", () => {
  let t: TestDatabase;
  const folder = new RemittanceFolder();
  const base = csv(
    "A-1,712300001,Ana One,health,2024-01,100.00,no",
    "A-2,712300002,Bo Two,health,2024-01,200.00,yes",
    "A-3,712300003,Cy Three,dental,2024-01,30.00,no",
  );

  before(async () => {
    t = await freshDatabase();
    const first = await importInvoices(t.db, folder.write("base.csv", base), { actor: "tester" });
    expect(first).to.deep.include({ rows: 3, created: 3, updated: 0, unchanged: 0, errors: [] });
  });
  after(async () => t?.close());

  it("a file with a bad row writes nothing and names the line and field", async () => {
    const before = await counts(t);
    const file = folder.write(
      "bad.csv",
      csv(
        "B-1,712300011,Good Row,health,2024-01,10.00,no",
        "A-1,712300001,Ana One,health,2024-01,111.00,no",
        "B-3,712300013,Bad Amount,health,2024-01,ten,no",
        "B-4,712300014,Bad Flag,health,2024-01,10.00,maybe",
        "B-5,712300002,Clash,health,2024-01,10.00,no",
      ),
    );
    const result = await importInvoices(t.db, file);
    expect(result).to.deep.include({ rows: 5, created: 0, updated: 0, unchanged: 0 });
    expect(result.errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([
      ["invalid_row", 4, "amount_due"],
      ["invalid_row", 5, "first_payment"],
      ["conflict", 6, "invoice"],
    ]);
    expect(await counts(t)).to.deep.equal(before);
    const [a1] = (await t.db.query(
      `SELECT amount_due_cents::int AS cents FROM invoices WHERE invoice_number = 'A-1'`,
    )) as {
      cents: number;
    }[];
    expect(a1.cents).to.equal(10000);
  });

  it("with skipBadRows imports the good rows and still reports the bad", async () => {
    const before = await counts(t);
    const file = folder.write(
      "skip.csv",
      csv("S-1,712300021,Good Row,health,2024-01,10.00,no", "S-2,123-45-6789,Bad Account,health,2024-01,10.00,no"),
    );
    const result = await importInvoices(t.db, file, { skipBadRows: true });
    expect(result).to.deep.include({ rows: 2, created: 1, updated: 0, unchanged: 0 });
    expect(result.errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([["invalid_row", 3, "account_number"]]);
    expect(await counts(t)).to.deep.equal({ invoices: before.invoices + 1, audit: before.audit + 1 });
  });

  it("importing the same file again is all unchanged and writes no audit entry", async () => {
    const before = await counts(t);
    const again = await importInvoices(t.db, folder.write("base.csv", base));
    expect(again).to.deep.include({ rows: 3, created: 0, updated: 0, unchanged: 3, errors: [] });
    expect(await counts(t)).to.deep.equal(before);
  });

  it("a changed amount is one update with one audit entry of the changed fields' before and after", async () => {
    const since = await lastAuditId(t);
    const changed = base.replace(
      "A-2,712300002,Bo Two,health,2024-01,200.00",
      "A-2,712300002,Bo Two,health,2024-01,250.00",
    );
    const result = await importInvoices(t.db, folder.write("changed.csv", changed), { actor: "tester" });
    expect(result).to.deep.include({ created: 0, updated: 1, unchanged: 2, errors: [] });
    const entries = await auditSince(t, since);
    expect(entries).to.have.length(1);
    expect(entries[0]).to.deep.include({
      actor: "tester",
      entity: "invoice",
      action: "updated",
      invoice: "A-2",
      before: { amount_due_cents: 20000 },
      after: { amount_due_cents: 25000 },
      payment_id: null,
      note: "imported from line 3",
    });
  });

  it("a new amount moves the status with what was paid, except on a written-off invoice", async () => {
    await t.db.query(`UPDATE invoices SET paid_cents = 5000, status = 'partial' WHERE invoice_number = 'A-1'`);
    await t.db.query(`UPDATE invoices SET paid_cents = 1000, status = 'written_off' WHERE invoice_number = 'A-3'`);
    const since = await lastAuditId(t);
    const file = folder.write(
      "lower.csv",
      csv("A-1,712300001,Ana One,health,2024-01,50.00,no", "A-3,712300003,Cy Three,dental,2024-01,5.00,no"),
    );
    const result = await importInvoices(t.db, file);
    expect(result).to.deep.include({ created: 0, updated: 2, unchanged: 0, errors: [] });
    expect((await auditSince(t, since)).map((e) => [e.invoice, e.before, e.after, e.note])).to.deep.equal([
      [
        "A-1",
        { amount_due_cents: 10000, status: "partial" },
        { amount_due_cents: 5000, status: "paid" },
        "imported from line 2",
      ],
      ["A-3", { amount_due_cents: 3000 }, { amount_due_cents: 500 }, "imported from line 3"],
    ]);
  });

  it("a clash with an invoice on file is a conflict by line, and then nothing is written", async () => {
    const before = await counts(t);
    const file = folder.write(
      "clash.csv",
      csv(
        "C-1,712300031,New Row,health,2024-01,10.00,no",
        "C-2,712300002,Bo Again,health,2024-01,10.00,no", // A-2 bills this account, plan and month
        "A-1,712300001,Ana One,health,2024-02,50.00,no", // A-1 moves to February...
        "C-4,712300001,Ana Again,health,2024-01,10.00,no", // ...but January was A-1's when the import began
      ),
    );
    const result = await importInvoices(t.db, file);
    expect(result).to.deep.include({ rows: 4, created: 0, updated: 0, unchanged: 0 });
    expect(result.errors.map((e) => [e.code, e.line, e.field, e.message])).to.deep.equal([
      ["conflict", 3, "invoice", "invoice A-2 already bills this account, plan and month"],
      ["conflict", 5, "invoice", "invoice A-1 already bills this account, plan and month"],
    ]);
    expect(await counts(t)).to.deep.equal(before);

    const skipped = await importInvoices(t.db, file, { skipBadRows: true });
    expect(skipped).to.deep.include({ rows: 4, created: 1, updated: 1, unchanged: 0 });
    expect(skipped.errors.map((e) => [e.code, e.line])).to.deep.equal([
      ["conflict", 3],
      ["conflict", 5],
    ]);
    const moved = (await t.db.query(
      `SELECT invoice_number, coverage_month FROM invoices WHERE account_number = '712300001' ORDER BY 1`,
    )) as { invoice_number: string; coverage_month: string }[];
    expect(moved).to.deep.equal([{ invoice_number: "A-1", coverage_month: "2024-02" }]);
  });

  it("a clash within the file is refused by line and field, and then nothing is written", async () => {
    const before = await counts(t);
    const file = folder.write(
      "twice.csv",
      csv(
        "D-1,712300041,Dee,health,2024-01,10.00,no",
        "D-2,712300041,Dee,health,2024-01,12.00,no", // the same account, plan and month as line 2
        "D-1,712300042,Dee,health,2024-01,10.00,no", // the same invoice number as line 2
      ),
    );
    const result = await importInvoices(t.db, file);
    expect(result).to.deep.include({ rows: 3, created: 0 });
    expect(result.errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([
      ["duplicate_row", 3, "plan"],
      ["duplicate_row", 4, "invoice"],
    ]);
    expect(await counts(t)).to.deep.equal(before);
  });
});

describe("invoices import (bulk) of 20,000 rows writes what the per-row import did", () => {
  const ROWS = 20_000;
  let t: TestDatabase;
  const folder = new RemittanceFolder();

  interface Row {
    invoice: string;
    account: string;
    name: string;
    plan: "health" | "dental";
    month: string;
    cents: number;
    first: boolean;
  }
  interface State {
    invoice_number: string;
    account_number: string;
    member_name: string;
    plan: string;
    coverage_month: string;
    amount_due_cents: number;
    first_payment: boolean;
    paid_cents: number;
    status: string;
  }

  const first: Row[] = Array.from({ length: ROWS }, (_, i) => ({
    invoice: `G-${i}`,
    account: `7${String(Math.floor(i / 6)).padStart(8, "0")}`,
    name: i % 7 === 0 ? `Member "${i}", Jr.` : `Member ${i}`,
    plan: i % 2 ? "dental" : "health",
    month: `2024-${String((Math.floor(i / 2) % 3) + 1).padStart(2, "0")}`,
    cents: 1000 + ((i * 37) % 90000),
    first: i % 5 === 0,
  }));
  /** Every 3rd amount changed, every 11th name, every 13th flag, every 17th moved to a free month; 500 new. */
  const second: Row[] = [
    ...first.map((r, i) => ({
      ...r,
      cents: i % 3 === 0 ? r.cents + 1 : r.cents,
      name: i % 11 === 0 ? `${r.name} II` : r.name,
      first: i % 13 === 0 ? !r.first : r.first,
      month: i % 17 === 0 ? r.month.replace("2024", "2025") : r.month,
    })),
    ...Array.from({ length: 500 }, (_, i) => ({
      ...first[i],
      invoice: `N-${i}`,
      month: first[i].month.replace("2024", "2026"),
    })),
  ];

  const quote = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const toCsv = (rows: Row[]) =>
    csv(
      ...rows.map((r) =>
        [r.invoice, r.account, r.name, r.plan, r.month, (r.cents / 100).toFixed(2), r.first ? "yes" : "no"]
          .map(quote)
          .join(","),
      ),
    );
  const statusOf = (paid: number, due: number) => (paid >= due ? "paid" : paid > 0 ? "partial" : "open");
  const stateOf = (r: Row, paid: number, status: string): State => ({
    invoice_number: r.invoice,
    account_number: r.account,
    member_name: r.name,
    plan: r.plan,
    coverage_month: r.month,
    amount_due_cents: r.cents,
    first_payment: r.first,
    paid_cents: paid,
    status,
  });
  /** What the per-row import wrote for one row: the invoice after it and its audit entry, if any. */
  function expectedRow(line: number, r: Row, current: State | undefined) {
    if (!current) {
      const after = stateOf(r, 0, "open");
      return { state: after, audit: { action: "created", before: null, after, note: `imported from line ${line}` } };
    }
    const status = current.status === "written_off" ? current.status : statusOf(current.paid_cents, r.cents);
    const next = stateOf(r, current.paid_cents, status);
    const keys = (Object.keys(next) as (keyof State)[]).filter((k) => next[k] !== current[k]);
    if (!keys.length) return { state: current, audit: null };
    const pick = (s: State) => Object.fromEntries(keys.map((k) => [k, s[k]]));
    return {
      state: next,
      audit: { action: "updated", before: pick(current), after: pick(next), note: `imported from line ${line}` },
    };
  }

  async function invoicesNow(): Promise<Map<string, State & { id: string }>> {
    const rows = (await t.db.query(
      `SELECT id, invoice_number, account_number, member_name, plan, coverage_month, amount_due_cents::int AS amount_due_cents,
              first_payment, paid_cents::int AS paid_cents, status FROM invoices`,
    )) as (State & { id: string })[];
    return new Map(rows.map((r) => [r.invoice_number, r]));
  }

  async function importAndCompare(rows: Row[], name: string): Promise<void> {
    const before = await invoicesNow();
    const since = await lastAuditId(t);
    const expected = new Map<string, State>([...before].map(([k, { id: _id, ...s }]) => [k, s]));
    const audit: unknown[] = [];
    const createdLines: { invoice_number: string; import_line: number }[] = [];
    const tally = { created: 0, updated: 0, unchanged: 0 };
    rows.forEach((r, i) => {
      const { state, audit: entry } = expectedRow(i + 2, r, expected.get(r.invoice));
      expected.set(r.invoice, state);
      tally[entry ? (entry.action as "created" | "updated") : "unchanged"] += 1;
      // A creation is recorded by its invoice naming the import and line, not by an entry of its own.
      if (entry?.action === "created") createdLines.push({ invoice_number: r.invoice, import_line: i + 2 });
      else if (entry)
        audit.push({ invoice: r.invoice, actor: "bulk-test", entity: "invoice", payment_id: null, ...entry });
    });

    const result = await importInvoices(t.db, folder.write(name, toCsv(rows)), { actor: "bulk-test" });
    expect(result).to.deep.equal({ rows: rows.length, ...tally, errors: [] });
    const after = await invoicesNow();
    const sorted = [...expected.keys()].sort();
    const withoutId = ({ id: _id, ...state }: State & { id?: string }) => state;
    expectSame(
      [...after.keys()].sort().map((k) => withoutId(after.get(k)!)),
      sorted.map((k) => expected.get(k)),
    );
    for (const [number, { id }] of before) expect(after.get(number)?.id, number).to.equal(id);
    const written = await auditSince(t, since);
    for (const entry of written) expect(entry.entity_id, entry.invoice).to.equal(after.get(entry.invoice)?.id);
    expectSame(
      written.map(({ entity_id: _id, ...entry }) => entry),
      audit,
    );
    const [{ id: importId }] = (await t.db.query(`SELECT max(id)::int AS id FROM invoice_imports`)) as { id: number }[];
    const named = (await t.db.query(
      `SELECT invoice_number, import_line FROM invoices WHERE import_id = $1 ORDER BY import_line`,
      [importId],
    )) as { invoice_number: string; import_line: number }[];
    expectSame(named, createdLines);
  }

  /** JSON with every object's keys sorted, so that equal values give equal text. */
  function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v,
    );
  }

  /** Deep equality of two long lists, failing on the first item that differs (not on a 20,000-item diff). */
  function expectSame(actual: unknown[], expected: unknown[]): void {
    const differs = expected.findIndex((e, i) => canonical(e) !== canonical(actual[i]));
    if (differs >= 0) expect(actual[differs], `item ${differs}`).to.deep.equal(expected[differs]);
    expect(actual.length).to.equal(expected.length);
  }

  before(async () => (t = await freshDatabase()));
  after(async () => t?.close());

  it("creates every invoice, each naming the import and its line", async () => {
    await importAndCompare(first, "first.csv");
  });

  it("applies changes (some invoices part paid or written off) as updates with the changed fields", async () => {
    await t.db.query(
      `UPDATE invoices SET paid_cents = 2000, status = CASE WHEN amount_due_cents <= 2000 THEN 'paid' ELSE 'partial' END
        WHERE substr(invoice_number, 3)::int % 4 = 1`,
    );
    await t.db.query(`UPDATE invoices SET status = 'written_off' WHERE substr(invoice_number, 3)::int % 40 = 9`);
    await importAndCompare(second, "second.csv");
  });

  it("then finds nothing to change", async () => {
    const before = await counts(t);
    const again = await importInvoices(t.db, folder.write("second.csv", toCsv(second)), { actor: "bulk-test" });
    expect(again).to.deep.equal({ rows: second.length, created: 0, updated: 0, unchanged: second.length, errors: [] });
    expect(await counts(t)).to.deep.equal(before);
  });
});

describe("invoices import (bulk) streams its batches in one transaction", () => {
  const ROWS = 20_000;
  let t: TestDatabase;
  const folder = new RemittanceFolder();
  /** Row i of a file of new invoices, one account each (accounts 7 then 2 then i in 7 digits). */
  const row = (i: number) => `R-${i},72${String(i).padStart(7, "0")},Member ${i},health,2024-05,${10 + (i % 90)}.00,no`;
  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => row(from + k));

  before(async () => {
    t = await freshDatabase();
    const seed = await importInvoices(t.db, folder.write("seed.csv", csv("P-1,712399991,Pat,health,2024-05,10.00,no")));
    expect(seed).to.deep.include({ created: 1, errors: [] });
  });
  after(async () => t?.close());

  it("a bad row late in 20,000 writes nothing, not even the batches before it", async () => {
    const before = await counts(t);
    const lines = rows(0, ROWS);
    lines[15_000] = lines[15_000].replace(",no", ",perhaps");
    const result = await importInvoices(t.db, folder.write("late-bad.csv", csv(...lines)));
    expect(result).to.deep.include({ rows: ROWS, created: 0, updated: 0, unchanged: 0 });
    expect(result.errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([
      ["invalid_row", 15_002, "first_payment"],
    ]);
    expect(await counts(t)).to.deep.equal(before);
  });

  it("a clash late in 20,000 new rows writes nothing and names its line", async () => {
    const before = await counts(t);
    const lines = rows(0, ROWS);
    lines[12_345] = "C-1,712399991,Clash,health,2024-05,10.00,no"; // P-1 bills this account, plan and month
    const file = folder.write("late-clash.csv", csv(...lines));
    const result = await importInvoices(t.db, file);
    expect(result).to.deep.include({ created: 0, updated: 0, unchanged: 0 });
    expect(result.errors.map((e) => [e.code, e.line, e.message])).to.deep.equal([
      ["conflict", 12_347, "invoice P-1 already bills this account, plan and month"],
    ]);
    expect(await counts(t)).to.deep.equal(before);

    const skipped = await importInvoices(t.db, file, { skipBadRows: true });
    expect(skipped).to.deep.include({ rows: ROWS, created: ROWS - 1, updated: 0, unchanged: 0 });
    expect(skipped.errors.map((e) => e.line)).to.deep.equal([12_347]);
    expect(await counts(t)).to.deep.equal({ invoices: before.invoices + ROWS - 1, audit: before.audit + 1 });
  });

  it("with skipBadRows the good rows land once; the same file again changes and records nothing", async () => {
    const lines = [...rows(ROWS, 2 * ROWS), "B-1,123-45-6789,Bad Account,health,2024-05,10.00,no"];
    const file = folder.write("skip-twice.csv", csv(...lines));
    const before = await counts(t);
    const first = await importInvoices(t.db, file, { skipBadRows: true });
    expect(first).to.deep.include({ rows: ROWS + 1, created: ROWS, updated: 0, unchanged: 0 });
    expect(first.errors.map((e) => [e.line, e.field])).to.deep.equal([[ROWS + 2, "account_number"]]);
    const landed = await counts(t);
    expect(landed).to.deep.equal({ invoices: before.invoices + ROWS, audit: before.audit + 1 });
    const [created] = (await t.db.query(
      `SELECT count(*)::int AS invoices, count(DISTINCT import_id)::int AS imports FROM invoices
        WHERE invoice_number LIKE 'R-%' AND import_id IS NOT NULL`,
    )) as { invoices: number; imports: number }[];
    expect(created).to.deep.equal({ invoices: 2 * ROWS - 1, imports: 2 });

    const again = await importInvoices(t.db, file, { skipBadRows: true });
    expect(again).to.deep.include({ rows: ROWS + 1, created: 0, updated: 0, unchanged: ROWS });
    expect(await counts(t)).to.deep.equal(landed);
  });

  it("a bill an earlier batch moved an invoice away from still clashes, as the database stood", async () => {
    const before = await counts(t);
    const lines = [
      "P-1,712399991,Pat,health,2024-06,10.00,no", // P-1 moves from May to June...
      ...rows(2 * ROWS, 2 * ROWS + 10_005), // ...a batch and more of new invoices...
      "M-1,712399991,Max,health,2024-05,10.00,no", // ...then May, which was P-1's when the import began
    ];
    const file = folder.write("moved.csv", csv(...lines));
    const result = await importInvoices(t.db, file);
    expect(result.errors.map((e) => [e.code, e.line, e.message])).to.deep.equal([
      ["conflict", 10_008, "invoice P-1 already bills this account, plan and month"],
    ]);
    expect(await counts(t)).to.deep.equal(before);
  });
});
