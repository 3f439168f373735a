import { createReadStream } from "node:fs";
import {
  BankEntryDraft,
  MONEY_KINDS,
  PaymentDraft,
  type ControlRecord,
  type ErrorRecord,
  type ParsedPaymentDraft,
  type PaymentAssessment,
  type PaymentKind,
} from "../model";
import { FormatError } from "../adapter-kit/format-error";
import { assessPayment } from "../rules/assess";
import type { LoadedMapping } from "../config/mapping-loader";
import type { FileMeta } from "../adapter-kit/adapter";
import type { z } from "zod";

export type AssessedPayment = ParsedPaymentDraft & PaymentAssessment & { line: number };
export type ParsedBankEntry = z.output<typeof BankEntryDraft> & { line: number };

export interface ReadHandlers {
  payment?(payment: AssessedPayment): void | Promise<void>;
  bankEntry?(entry: ParsedBankEntry): void | Promise<void>;
}

export interface KindTotal {
  count: number;
  totalCents: number;
}

export interface ReadSummary {
  identity: string | null;
  header: Record<string, unknown>;
  controls: ControlRecord[];
  warnings: ErrorRecord[];
  payments: number;
  bankEntries: number;
  /** Net money: payments less reversals and returns; prenotes and NOCs never count. */
  totalCents: number;
  byKind: Partial<Record<PaymentKind, KindTotal>>;
}

export interface ReadOptions {
  onProgress?: (progress: { bytes: number; payments: number }) => void;
  /** Filled as the file is read, so a caller still has the figures when the file turns out bad. */
  summary?: ReadSummary;
}

export function emptySummary(): ReadSummary {
  return {
    identity: null,
    header: {},
    controls: [],
    warnings: [],
    payments: 0,
    bankEntries: 0,
    totalCents: 0,
    byKind: {},
  };
}

const MAX_WARNINGS = 1000;

/** Signed contribution of one record to a file's net money. */
export function netCents(kind: PaymentKind, amountCents: number): number {
  if (!MONEY_KINDS.has(kind)) return 0;
  return kind === "payment" ? amountCents : -amountCents;
}

/**
 * Streams one file through its adapter and the payment rules, handing each assessed payment and
 * bank entry to the caller. Throws FormatError(s) for a structurally bad file; the caller decides
 * what a half-read file means (the pipeline rolls back, a dry run reports).
 */
export async function readRemittance(
  path: string,
  loaded: LoadedMapping,
  meta: FileMeta,
  handlers: ReadHandlers,
  options: ReadOptions = {},
): Promise<ReadSummary> {
  const summary = options.summary ?? emptySummary();
  const input = createReadStream(path);
  let lastProgress = 0;
  for await (const item of loaded.adapter.parse(input, loaded.mapping, meta)) {
    switch (item.kind) {
      case "payment": {
        const draft = checked(PaymentDraft, item.draft, item.line);
        // Billing context (invoice month, first payment) is applied later, by matching.
        const assessment = assessPayment(draft, loaded.policy);
        const payment = withoutSsn(assessedPayment(draft, assessment, item.line), draft.accountRaw);
        summary.payments += 1;
        const k = (summary.byKind[draft.kind] ??= { count: 0, totalCents: 0 });
        k.count += 1;
        k.totalCents += draft.amountCents;
        summary.totalCents += netCents(draft.kind, draft.amountCents);
        // Await only a real promise: a microtask per record is measurable on million-entry files.
        const pending = handlers.payment?.(payment);
        if (pending) await pending;
        break;
      }
      case "bank_entry": {
        const entry = checked(BankEntryDraft, item.entry, item.line);
        summary.bankEntries += 1;
        const pending = handlers.bankEntry?.(Object.assign({}, entry, { line: item.line }));
        if (pending) await pending;
        break;
      }
      case "control":
        summary.controls.push({
          scope: item.scope,
          line: item.line,
          declaredCount: item.declared.count,
          parsedCount: item.parsed.count,
          declaredTotalCents: item.declared.totalCents,
          parsedTotalCents: item.parsed.totalCents,
        });
        break;
      case "warning":
        if (summary.warnings.length < MAX_WARNINGS) {
          summary.warnings.push({ code: item.code, line: item.line, field: item.field ?? null, message: item.message });
        }
        break;
      case "header":
        summary.identity = item.identity;
        summary.header = item.info;
        break;
    }
    if (options.onProgress && summary.payments - lastProgress >= 1000) {
      lastProgress = summary.payments;
      options.onProgress({ bytes: input.bytesRead, payments: summary.payments });
    }
  }
  options.onProgress?.({ bytes: input.bytesRead, payments: summary.payments });
  return summary;
}

/**
 * The draft with the rules' verdict, as `{ ...draft, ...assessment, line }` would have it (the same
 * keys in the same order), written out: one object literal is a fixed shape, where spreading or
 * Object.assign of the two objects cost more than parsing the record.
 */
function assessedPayment(draft: ParsedPaymentDraft, a: PaymentAssessment, line: number): AssessedPayment {
  return {
    kind: draft.kind,
    sourceRef: draft.sourceRef,
    amountCents: draft.amountCents,
    currency: draft.currency,
    payerName: draft.payerName,
    accountRaw: a.accountRaw,
    initiatedOn: draft.initiatedOn,
    settledOn: draft.settledOn,
    coverageMonth: a.coverageMonth,
    planType: draft.planType,
    method: draft.method,
    reasonCode: draft.reasonCode,
    originalRef: draft.originalRef,
    details: draft.details,
    raw: draft.raw,
    accountNumber: a.accountNumber,
    accountStatus: a.accountStatus,
    dueOn: a.dueOn,
    leadDays: a.leadDays,
    timingStatus: a.timingStatus,
    earliestCoverageStart: a.earliestCoverageStart,
    findings: a.findings,
    line,
  };
}

/**
 * RULES R4: an SSN typed as the account number is stored masked. The rules mask accountRaw; the
 * record text and the format's details carry the same value, so mask it there too.
 */
function withoutSsn(payment: AssessedPayment, typed: string | null): AssessedPayment {
  if (payment.accountStatus !== "ssn_suspected" || !typed?.trim()) return payment;
  const mask = payment.accountRaw ?? "";
  const forms = [...new Set([typed.trim(), typed.replace(/\D/g, "")])].filter((f) => f.length >= 4);
  const scrub = (text: string) => forms.reduce((acc, form) => acc.split(form).join(mask), text);
  return {
    ...payment,
    raw: scrub(payment.raw),
    details: JSON.parse(scrub(JSON.stringify(payment.details))) as Record<string, unknown>,
  };
}

/** An adapter's record that does not fit the canonical model is a format error at its line. */
function checked<S extends z.ZodType>(schema: S, value: unknown, line: number): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new FormatError("invalid_record", line, issue.path.map(String).join(".") || null, issue.message);
}
