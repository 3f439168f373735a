import { parse } from "csv-parse";
import { createReadStream } from "node:fs";
import type { DataSource } from "typeorm";
import { DEFAULT_PAYEE_POLICY, type PayeePolicy } from "../rules/payee-policy";
import { decimalToCents, MoneyFormatError, PLAN_TYPES, type ErrorRecord, type PlanType } from "../model";
import { checkAccount } from "../rules/account";
import { isYearMonth } from "../rules/local-date";
import { SYSTEM_ACTOR } from "./audit-log";
import { INVOICE_COLUMNS } from "./invoice-columns";
import { upsertInvoiceRows, type CheckedRow, type InvoiceInput } from "./invoice-upsert";

export type { InvoiceInput };

/**
 * Billing data import: one CSV row per invoice (a member's premium for one plan and one coverage
 * month). Columns, by header name:
 *   invoice, account_number, member_name, plan (health|dental), coverage_month (YYYY-MM),
 *   amount_due (decimal dollars), first_payment (yes|no|true|false|1|0, blank = no)
 * Rows are upserted by invoice number in one transaction, in bulk (see invoice-upsert.ts). A bad
 * row is reported with its line and field, and then nothing is written unless the caller asks to
 * skip bad rows: then the good rows are imported. Importing the same file again changes nothing.
 */

export { INVOICE_COLUMNS };

export interface InvoiceImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: ErrorRecord[];
}

const YES = new Set(["yes", "y", "true", "1"]);
const NO = new Set(["no", "n", "false", "0", ""]);

/** Reads and checks every row; nothing is written. */
export async function readInvoicesCsv(
  path: string,
  policy: PayeePolicy = DEFAULT_PAYEE_POLICY,
): Promise<{ rows: CheckedRow[]; errors: ErrorRecord[] }> {
  const rows: CheckedRow[] = [];
  const errors: ErrorRecord[] = [];
  const parser = createReadStream(path).pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      info: true,
      trim: true,
      skip_empty_lines: true,
      bom: true,
    }),
  );
  let checkedHeader = false;
  for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    if (!checkedHeader) {
      checkedHeader = true;
      const missing = INVOICE_COLUMNS.filter((c) => c !== "first_payment" && !(c in record.record));
      if (missing.length) {
        errors.push({
          code: "missing_column",
          line: 1,
          field: missing[0],
          message: `the header has no column ${missing.join(", ")}; expected ${INVOICE_COLUMNS.join(",")}`,
        });
        return { rows, errors };
      }
    }
    const line = record.info.lines;
    const checked = checkRow(record.record, line, policy);
    if ("error" in checked) errors.push(checked.error);
    else rows.push({ line, input: checked.input });
  }
  const seen = new Map<string, number>();
  const bills = new Map<string, number>();
  const unique = rows.filter(({ line, input }) => {
    const bill = `${input.accountNumber}/${input.plan}/${input.coverageMonth}`;
    const again = seen.get(input.invoiceNumber) ?? bills.get(bill);
    if (again !== undefined) {
      errors.push({
        code: "duplicate_row",
        line,
        field: seen.has(input.invoiceNumber) ? "invoice" : "plan",
        message: `repeats the invoice or the account, plan and month of line ${again}`,
      });
      return false;
    }
    seen.set(input.invoiceNumber, line);
    bills.set(bill, line);
    return true;
  });
  return { rows: unique, errors };
}

function checkRow(
  r: Record<string, string>,
  line: number,
  policy: PayeePolicy,
): { input: InvoiceInput } | { error: ErrorRecord } {
  const fail = (field: string, message: string) => ({ error: { code: "invalid_row", line, field, message } });
  if (!r.invoice) return fail("invoice", "the invoice number is empty");
  const account = checkAccount(r.account_number ?? "", policy);
  if (account.accountNumber === null) return fail("account_number", `the account number ${account.reason}`);
  if (!r.member_name) return fail("member_name", "the member name is empty");
  const plan = (r.plan ?? "").toLowerCase();
  if (!(PLAN_TYPES as readonly string[]).includes(plan)) return fail("plan", `plan must be ${PLAN_TYPES.join(" or ")}`);
  if (!isYearMonth(r.coverage_month ?? "")) return fail("coverage_month", "coverage month must be YYYY-MM");
  let amountDueCents: number;
  try {
    amountDueCents = decimalToCents(r.amount_due ?? "");
  } catch (error) {
    if (!(error instanceof MoneyFormatError)) throw error;
    return fail("amount_due", error.message);
  }
  if (amountDueCents <= 0) return fail("amount_due", "the amount due must be more than zero");
  const flag = (r.first_payment ?? "").toLowerCase();
  if (!YES.has(flag) && !NO.has(flag)) return fail("first_payment", "first_payment must be yes or no");
  return {
    input: {
      invoiceNumber: r.invoice,
      accountNumber: account.accountNumber,
      memberName: r.member_name,
      plan: plan as PlanType,
      coverageMonth: r.coverage_month,
      amountDueCents,
      firstPayment: YES.has(flag),
    },
  };
}

/**
 * Reads and checks the file, then upserts its invoices in one transaction, each creation and
 * change with an audit entry. A bad row (refused by the checks or clashing with an invoice on
 * file) means nothing is written and the errors are returned; with `skipBadRows` the good rows
 * are imported and the bad ones reported.
 */
export async function importInvoices(
  db: DataSource,
  path: string,
  options: { actor?: string; policy?: PayeePolicy; skipBadRows?: boolean } = {},
): Promise<InvoiceImportResult> {
  const actor = options.actor ?? SYSTEM_ACTOR;
  const skipBadRows = options.skipBadRows === true;
  const { rows, errors } = await readInvoicesCsv(path, options.policy);
  const result: InvoiceImportResult = {
    rows: rows.length + errors.filter((e) => e.code !== "missing_column").length,
    created: 0,
    updated: 0,
    unchanged: 0,
    errors,
  };
  if (rows.length) {
    // With bad rows already found, still look for conflicts, so that one run reports every bad row.
    const checkOnly = errors.length > 0 && !skipBadRows;
    const { conflicts, ...counts } = await db.transaction((tx) =>
      upsertInvoiceRows(tx, rows, { actor, skipConflicts: skipBadRows, checkOnly }),
    );
    Object.assign(result, counts);
    errors.push(...conflicts);
  }
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return result;
}
