import { parse } from "csv-parse";
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import type { DataSource } from "typeorm";
import { DEFAULT_PAYEE_POLICY, type PayeePolicy } from "../rules/payee-policy";
import { decimalToCents, MoneyFormatError, PLAN_TYPES, type ErrorRecord, type PlanType } from "../model";
import { checkAccount } from "../rules/account";
import { isYearMonth } from "../rules/local-date";
import { appendAudit, changedFields, SYSTEM_ACTOR, type Sql } from "./audit-log";
import { INVOICE_COLUMNS } from "./invoice-columns";
import { invoiceState, statusFor, toInvoice, type Invoice } from "./invoices";

/**
 * Billing data import: one CSV row per invoice (a member's premium for one plan and one coverage
 * month). Columns, by header name:
 *   invoice, account_number, member_name, plan (health|dental), coverage_month (YYYY-MM),
 *   amount_due (decimal dollars), first_payment (yes|no|true|false|1|0, blank = no)
 * Rows are upserted by invoice number in one transaction; a bad row is reported with its line
 * and field and the good rows are still imported. Importing the same file again changes nothing.
 */

export { INVOICE_COLUMNS };

/** One checked CSV row: an invoice before it has an id or any money applied. */
export type InvoiceInput = Omit<Invoice, "id" | "paidCents" | "status">;

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
): Promise<{ rows: { line: number; input: InvoiceInput }[]; errors: ErrorRecord[] }> {
  const rows: { line: number; input: InvoiceInput }[] = [];
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

/** Upserts the file's invoices in one transaction, each creation and change with an audit entry. */
export async function importInvoices(
  db: DataSource,
  path: string,
  options: { actor?: string; policy?: PayeePolicy } = {},
): Promise<InvoiceImportResult> {
  const actor = options.actor ?? SYSTEM_ACTOR;
  const { rows, errors } = await readInvoicesCsv(path, options.policy);
  const result: InvoiceImportResult = {
    rows: rows.length + errors.filter((e) => e.code !== "missing_column").length,
    created: 0,
    updated: 0,
    unchanged: 0,
    errors,
  };
  await db.transaction((tx) => upsertInvoices(tx, rows, actor, result));
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return result;
}

type RowOutcome = "created" | "updated" | "unchanged" | "conflict";

async function upsertInvoices(
  tx: Sql,
  rows: { line: number; input: InvoiceInput }[],
  actor: string,
  result: InvoiceImportResult,
): Promise<void> {
  for (const { line, input } of rows) {
    const outcome = await upsertInvoice(tx, line, input, actor, result.errors);
    if (outcome !== "conflict") result[outcome] += 1;
  }
}

async function upsertInvoice(
  tx: Sql,
  line: number,
  input: InvoiceInput,
  actor: string,
  errors: ErrorRecord[],
): Promise<RowOutcome> {
  const existing = (await tx.query(`SELECT * FROM invoices WHERE invoice_number = $1 FOR UPDATE`, [
    input.invoiceNumber,
  ])) as Parameters<typeof toInvoice>[0][];
  const clash = (await tx.query(
    `SELECT invoice_number FROM invoices WHERE account_number = $1 AND plan = $2 AND coverage_month = $3 AND invoice_number <> $4`,
    [input.accountNumber, input.plan, input.coverageMonth, input.invoiceNumber],
  )) as { invoice_number: string }[];
  if (clash.length) {
    errors.push({
      code: "conflict",
      line,
      field: "invoice",
      message: `invoice ${clash[0].invoice_number} already bills this account, plan and month`,
    });
    return "conflict";
  }
  if (!existing.length) {
    await createInvoice(tx, line, input, actor);
    return "created";
  }
  return updateInvoice(tx, line, toInvoice(existing[0]), input, actor);
}

async function createInvoice(tx: Sql, line: number, input: InvoiceInput, actor: string): Promise<void> {
  const invoice: Invoice = { id: randomUUID(), ...input, paidCents: 0, status: "open" };
  await tx.query(
    `INSERT INTO invoices (id, invoice_number, account_number, member_name, plan, coverage_month, amount_due_cents, first_payment, paid_cents, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 'open')`,
    [
      invoice.id,
      input.invoiceNumber,
      input.accountNumber,
      input.memberName,
      input.plan,
      input.coverageMonth,
      input.amountDueCents,
      input.firstPayment,
    ],
  );
  await appendAudit(tx, {
    actor,
    entity: "invoice",
    entityId: invoice.id,
    action: "created",
    before: null,
    after: invoiceState(invoice),
    note: `imported from line ${line}`,
  });
}

async function updateInvoice(
  tx: Sql,
  line: number,
  current: Invoice,
  input: InvoiceInput,
  actor: string,
): Promise<"updated" | "unchanged"> {
  const status = current.status === "written_off" ? current.status : statusFor(current.paidCents, input.amountDueCents);
  const next: Invoice = { ...current, ...input, status };
  const diff = changedFields(invoiceState(current), invoiceState(next));
  if (!diff) return "unchanged";
  await tx.query(
    `UPDATE invoices SET account_number = $2, member_name = $3, plan = $4, coverage_month = $5, amount_due_cents = $6,
           first_payment = $7, status = $8, updated_at = now() WHERE id = $1`,
    [
      current.id,
      next.accountNumber,
      next.memberName,
      next.plan,
      next.coverageMonth,
      next.amountDueCents,
      next.firstPayment,
      next.status,
    ],
  );
  await appendAudit(tx, {
    actor,
    entity: "invoice",
    entityId: current.id,
    action: "updated",
    ...diff,
    note: `imported from line ${line}`,
  });
  return "updated";
}
