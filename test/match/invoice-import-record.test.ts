import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { importInvoices } from "../../src/match/invoice-import";
import { freshDatabase, type TestDatabase } from "../support/database";
import { INVOICE_HEADER, RemittanceFolder } from "./remittance-files";

const csv = (...rows: string[]) => [INVOICE_HEADER, ...rows, ""].join("\n");
/** Row i of a file of new invoices, one account each. */
const row = (i: number) => `R-${i},73${String(i).padStart(7, "0")},Member ${i},health,2024-05,${10 + (i % 90)}.00,no`;
const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => row(from + k));
const brief = (errors: { code: string; line: number | null; field: string | null; message: string }[]) =>
  errors.map((e) => [e.code, e.line, e.field, e.message]);

describe("invoices import: one record and audit entry per import; repeats found in the database", () => {
  let t: TestDatabase;
  const folder = new RemittanceFolder();

  before(async () => {
    t = await freshDatabase();
    const seed = await importInvoices(t.db, folder.write("seed.csv", csv("P-1,712399991,Pat,health,2024-05,10.00,no")));
    expect(seed).to.deep.include({ created: 1, errors: [] });
  });
  after(async () => t?.close());

  it("writes one audit entry with the file's hash and counts, and each created invoice names the import and its line", async () => {
    const file = folder.write(
      "mixed.csv",
      csv(
        "N-1,712300001,Ann,health,2024-05,10.00,no",
        "P-1,712399991,Pat,health,2024-05,12.00,no", // changed: its own 'updated' entry
        "N-2,bad,Bad,health,2024-05,10.00,no",
        "N-3,712300003,Cy,dental,2024-05,30.00,yes",
      ),
    );
    const result = await importInvoices(t.db, file, { actor: "tester", skipBadRows: true });
    expect(result).to.deep.include({ rows: 4, created: 2, updated: 1, unchanged: 0 });
    const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
    const [record] = (await t.db.query(
      `SELECT id::int AS id, file_name, sha256, actor, rows, created, updated, unchanged, refused
         FROM invoice_imports ORDER BY id DESC LIMIT 1`,
    )) as { id: number }[];
    const counts = { rows: 4, created: 2, updated: 1, unchanged: 0, refused: 1 };
    expect(record).to.deep.include({ file_name: "mixed.csv", sha256, actor: "tester", ...counts });
    const entries = (await t.db.query(
      `SELECT actor, action, before, after FROM audit_log WHERE entity = 'invoice_import' AND entity_id = $1`,
      [String(record.id)],
    )) as unknown[];
    expect(entries).to.deep.equal([
      { actor: "tester", action: "imported", before: null, after: { file_name: "mixed.csv", sha256, ...counts } },
    ]);
    const named = (await t.db.query(
      `SELECT invoice_number, import_id::int AS import_id, import_line FROM invoices
        WHERE invoice_number IN ('N-1', 'N-3', 'P-1') ORDER BY invoice_number`,
    )) as unknown[];
    expect(named).to.deep.equal([
      { invoice_number: "N-1", import_id: record.id, import_line: 2 },
      { invoice_number: "N-3", import_id: record.id, import_line: 5 },
      { invoice_number: "P-1", import_id: record.id - 1, import_line: 2 },
    ]);
    const [{ n }] = (await t.db.query(
      `SELECT count(*)::int AS n FROM audit_log a JOIN invoices i ON a.entity_id = i.id::text
        WHERE a.entity = 'invoice' AND i.invoice_number IN ('N-1', 'N-3')`,
    )) as { n: number }[];
    expect(n, "no 'created' entry per invoice").to.equal(0);
  });

  it("a repeat repeats a kept row only, and with skipBadRows the first occurrence is kept", async () => {
    const file = folder.write(
      "repeats.csv",
      csv(
        "D-1,712300041,Dee,health,2024-05,10.00,no",
        "D-2,712300041,Dee,health,2024-05,12.00,no", // line 2's account, plan and month
        "D-2,712300042,Dee,health,2024-05,12.00,no", // repeats line 3 only, which was refused: kept
        "D-1,712300043,Dee,health,2024-05,10.00,no", // line 2's invoice number
      ),
    );
    const expected = [
      ["duplicate_row", 3, "plan", "repeats the invoice or the account, plan and month of line 2"],
      ["duplicate_row", 5, "invoice", "repeats the invoice or the account, plan and month of line 2"],
    ];
    const refused = await importInvoices(t.db, file);
    expect(refused).to.deep.include({ created: 0 });
    expect(brief(refused.errors)).to.deep.equal(expected);
    const skipped = await importInvoices(t.db, file, { skipBadRows: true });
    expect(skipped).to.deep.include({ created: 2 });
    expect(brief(skipped.errors)).to.deep.equal(expected);
    const kept = (await t.db.query(
      `SELECT invoice_number, account_number, import_line FROM invoices WHERE invoice_number LIKE 'D-%' ORDER BY 1`,
    )) as unknown[];
    expect(kept).to.deep.equal([
      { invoice_number: "D-1", account_number: "712300041", import_line: 2 },
      { invoice_number: "D-2", account_number: "712300042", import_line: 4 },
    ]);
  });

  it("finds repeats across batches: of a row written by COPY, and of a clash's invoice number", async () => {
    const lines = [
      "C-1,712399991,Clash,health,2024-05,10.00,no", // P-1 bills this account, plan and month
      ...rows(0, 20_000),
      "C-1,712300051,Again,health,2024-05,10.00,no", // the clash's number, in a batch that would go by COPY
      ...rows(20_000, 25_000),
      row(5).replace("73", "74"), // R-5 again, batches after line 8 was written
    ];
    const file = folder.write("late-repeats.csv", csv(...lines));
    const expected = [
      ["conflict", 2, "invoice", "invoice P-1 already bills this account, plan and month"],
      ["duplicate_row", 20_003, "invoice", "repeats the invoice or the account, plan and month of line 2"],
      ["duplicate_row", 25_004, "invoice", "repeats the invoice or the account, plan and month of line 8"],
    ];
    const before = (await t.db.query(`SELECT count(*)::int AS n FROM invoices`)) as { n: number }[];
    const refused = await importInvoices(t.db, file);
    expect(brief(refused.errors)).to.deep.equal(expected);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM invoices`)).to.deep.equal(before);
    const skipped = await importInvoices(t.db, file, { skipBadRows: true });
    expect(skipped).to.deep.include({ rows: 25_003, created: 25_000 });
    expect(brief(skipped.errors)).to.deep.equal(expected);
  });

  it("an import that changes nothing leaves no record", async () => {
    const [before] = (await t.db.query(
      `SELECT (SELECT count(*)::int FROM invoice_imports) AS imports, (SELECT count(*)::int FROM audit_log) AS audit`,
    )) as unknown[];
    const again = await importInvoices(
      t.db,
      folder.write("seed.csv", csv("D-1,712300041,Dee,health,2024-05,10.00,no")),
    );
    expect(again).to.deep.include({ unchanged: 1, errors: [] });
    const [after] = (await t.db.query(
      `SELECT (SELECT count(*)::int FROM invoice_imports) AS imports, (SELECT count(*)::int FROM audit_log) AS audit`,
    )) as unknown[];
    expect(after).to.deep.equal(before);
  });
});
