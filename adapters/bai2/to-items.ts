import type { ParsedItem } from "../../src/adapter-kit/adapter";
import type { BankEntryDraft, PaymentDraft } from "../../src/model";
import type { Bai2Event } from "./reader";
import type { TransactionDetail } from "./records/transaction-detail";
import type { AccountSource, Bai2Mapping } from "./mapping";

type DetailEvent = Extract<Bai2Event, { type: "detail" }>;

/** BAI2 detail type codes 400-699 are debits; 100-399 credits (BAI2 type code ranges). */
export function isDebitCode(code: string): boolean {
  const n = Number(code);
  return n >= 400 && n <= 699;
}

function sourceValue(d: TransactionDetail, source: AccountSource): string | null {
  const field =
    source.from === "customer_reference"
      ? d.customerReference
      : source.from === "bank_reference"
        ? d.bankReference
        : d.text;
  if (!field) return null;
  if (!source.pattern) return field;
  const m = new RegExp(source.pattern).exec(field);
  return m ? (m[1] ?? m[0]) : null;
}

function availability(d: TransactionDetail): Record<string, unknown> {
  const { type, ...rest } = d.funds;
  return { fundsType: type, ...rest };
}

/** The day the money is good: the value date of funds type V, else the group's as-of date. */
function settledOn(e: DetailEvent): string {
  return (e.detail.funds.type === "V" ? e.detail.funds.valueDate : null) ?? e.group.asOfDate;
}

function currencyOf(e: DetailEvent): string {
  return e.account.currency ?? e.group.currency ?? "USD";
}

/** A lockbox check item as a payment by check; the account number is where the mapping says. */
export function lockboxPayment(e: DetailEvent, mapping: Bai2Mapping): PaymentDraft {
  const d = e.detail;
  const account =
    mapping.lockbox.account.map((s) => sourceValue(d, s)).find((v) => v !== null && v.trim() !== "") ?? null;
  const name =
    mapping.lockbox.payerNamePattern && d.text ? new RegExp(mapping.lockbox.payerNamePattern).exec(d.text) : null;
  return {
    kind: "payment",
    sourceRef: d.bankReference ?? `${e.file.senderId}/${e.file.fileId}/${e.line}`,
    amountCents: d.amountCents,
    currency: currencyOf(e),
    payerName: name ? (name[1] ?? name[0]).trim() || null : null,
    accountRaw: account,
    initiatedOn: null,
    settledOn: settledOn(e),
    method: "check",
    details: {
      typeCode: d.typeCode,
      bankReference: d.bankReference,
      ...availability(d),
      asOfDate: e.group.asOfDate,
      bankAccount: e.account.accountNumber,
      groupStatus: e.group.groupStatus,
    },
    raw: e.raw,
  };
}

export function bankEntry(e: DetailEvent, direction: "credit" | "debit"): BankEntryDraft {
  const d = e.detail;
  return {
    direction,
    amountCents: d.amountCents,
    currency: currencyOf(e),
    bankAccount: e.account.accountNumber,
    typeCode: d.typeCode,
    bankRef: d.bankReference,
    customerRef: d.customerReference,
    text: d.text,
    bookedOn: e.group.asOfDate,
    valueOn: d.funds.type === "V" ? d.funds.valueDate : null,
    details: { ...availability(d), groupStatus: e.group.groupStatus, asOfDateModifier: e.group.asOfDateModifier },
    raw: e.raw,
  };
}

/** What one detail record becomes: a payment, a bank entry, or nothing (other type codes). */
export function detailItem(e: DetailEvent, mapping: Bai2Mapping): ParsedItem | null {
  const code = e.detail.typeCode;
  if (mapping.lockbox.itemTypeCodes.includes(code))
    return { kind: "payment", line: e.line, draft: lockboxPayment(e, mapping) };
  if (mapping.bankCredits.includes(code)) return { kind: "bank_entry", line: e.line, entry: bankEntry(e, "credit") };
  if (mapping.bankDebits.includes(code) || (mapping.allDebits && isDebitCode(code))) {
    return { kind: "bank_entry", line: e.line, entry: bankEntry(e, "debit") };
  }
  return null;
}
