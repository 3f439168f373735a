import type { QueryRunner } from "typeorm";
import type { ErrorRecord } from "../model";

/**
 * Rows of an import that repeat an earlier row's invoice number or bill (account, plan and
 * month), found in the database rather than in maps of every key read: the import's rows seen so
 * far are either invoices it created (import_id, import_line) or rows of its `seen` table (those it
 * staged: known invoices, clashes, and every row once nothing will be written). A row repeats only
 * a row that was itself kept, as when the keys were held in memory: of `A/X, B/X, B/Y` only the
 * second is refused.
 */

/** The staged batch's rows that match an earlier kept row by invoice number (`by_invoice`) or bill (`by_bill`). */
const matchesSql = (stage: string, seen: string) => {
  const earlier = (key: (a: string) => string) => `
    (SELECT min(x.line) FROM (
       SELECT e.line FROM ${stage} e WHERE ${key("e")} AND e.line < s.line
       UNION ALL SELECT e.line FROM ${seen} e WHERE ${key("e")}
       UNION ALL SELECT i.import_line FROM invoices i WHERE ${key("i")} AND i.import_id = $1) x)`;
  const sameInvoice = (a: string) => `${a}.invoice_number = s.invoice_number`;
  const sameBill = (a: string) =>
    `${a}.account_number = s.account_number AND ${a}.plan = s.plan AND ${a}.coverage_month = s.coverage_month`;
  return `
    SELECT s.line, s.invoice_number, s.account_number, s.plan, s.coverage_month,
           ${earlier(sameInvoice)} AS by_invoice, ${earlier(sameBill)} AS by_bill
      FROM ${stage} s`;
};

/**
 * One round: of the rows matching an earlier one (candidates), those with no earlier candidate of
 * the same invoice number or bill — every row they match was kept, so they are repeats for certain.
 * Deleted from the stage; `candidates` says whether another round is needed.
 */
const roundSql = (stage: string, seen: string) => `
  WITH candidate AS (
    SELECT * FROM (${matchesSql(stage, seen)}) m WHERE by_invoice IS NOT NULL OR by_bill IS NOT NULL
  ), certain AS (
    SELECT line, by_invoice, by_bill FROM (
      SELECT c.*, min(line) OVER (PARTITION BY invoice_number) AS first_of_invoice,
             min(line) OVER (PARTITION BY account_number, plan, coverage_month) AS first_of_bill
        FROM candidate c) c
     WHERE line = first_of_invoice AND line = first_of_bill
  ), gone AS (
    DELETE FROM ${stage} s USING certain c WHERE s.line = c.line RETURNING s.line
  )
  SELECT c.line, c.by_invoice, c.by_bill, (SELECT count(*)::int FROM candidate) AS candidates
    FROM certain c JOIN gone g USING (line) ORDER BY c.line`;

interface Repeat {
  line: number;
  by_invoice: number | null;
  by_bill: number | null;
  candidates: number;
}

/**
 * Removes the staged rows that repeat an earlier kept row of import `importId` and returns them as
 * duplicate_row errors naming the earlier line. Usually one statement (two when repeats chain).
 */
export async function takeRepeats(
  runner: QueryRunner,
  tables: { stage: string; seen: string },
  importId: string,
): Promise<ErrorRecord[]> {
  const errors: ErrorRecord[] = [];
  const round = roundSql(tables.stage, tables.seen);
  for (;;) {
    const repeats = (await runner.query(round, [importId])) as Repeat[];
    for (const r of repeats) {
      errors.push({
        code: "duplicate_row",
        line: r.line,
        field: r.by_invoice !== null ? "invoice" : "plan",
        message: `repeats the invoice or the account, plan and month of line ${r.by_invoice ?? r.by_bill}`,
      });
    }
    if (!repeats.length || repeats.length === repeats[0].candidates) return errors;
  }
}
