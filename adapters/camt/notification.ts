import { DEFAULT_PAYEE_POLICY } from "../../src/rules/payee-policy-defaults";
import type { ParsedItem } from "../../src/adapter-kit/adapter";
import type { PaymentDraft, PaymentKind } from "../../src/model";
import { camtDay } from "./dates";
import { transactionCents, type CamtEntry, type CamtTransaction } from "./entry";
import { camtError } from "./errors";
import { text, texts } from "./fragment";
import type { Camt054Mapping } from "./mapping";
import { PayeeIdentity } from "../../src/rules/payee-identity";
import { readCamt } from "./reader";

/**
 * camt.054 → payments. One payment per `TxDtls` (or per `Ntry` when it lists none):
 * CRDT is a payment; DBIT with `RvslInd` true reverses an earlier credit; DBIT with `RtrInf`
 * returns one. Other debits move the payee's money out and are not member payments: they are
 * reported as warnings, as are entries whose status the mapping does not count.
 */
export async function* parseNotification(
  input: AsyncIterable<Buffer | string>,
  mapping: Camt054Mapping,
): AsyncGenerator<ParsedItem> {
  const payee = new PayeeIdentity(
    mapping.payeeIdentity.names ?? [DEFAULT_PAYEE_POLICY.name],
    mapping.payeeIdentity.address ?? DEFAULT_PAYEE_POLICY.address,
  );
  const seen = new Set<string>();
  const ustrdPattern = mapping.account.ustrdPattern === null ? null : new RegExp(mapping.account.ustrdPattern);
  const { versions, limits, statuses } = mapping;
  for await (const item of readCamt(input, { message: "camt.054", versions, limits, statuses })) {
    if (item.kind !== "entry") {
      yield item;
      continue;
    }
    const { entry, version } = item;
    const transactions: (CamtTransaction | null)[] = entry.transactions.length ? entry.transactions : [null];
    for (const tx of transactions) {
      const kind = kindOf(entry, tx);
      if (typeof kind !== "string") {
        yield {
          kind: "warning",
          code: kind.code,
          message: kind.message,
          line: tx?.line ?? entry.line,
          field: tx ? "TxDtls" : "Ntry",
        };
        continue;
      }
      if (tx && mapping.payeeIdentity.check) yield* payeeWarnings(tx, payee, seen);
      yield {
        kind: "payment",
        draft: draftOf(entry, tx, kind, version, mapping, ustrdPattern),
        line: tx?.line ?? entry.line,
      };
    }
  }
}

type Skip = { code: string; message: string };

function kindOf(
  entry: CamtEntry,
  tx: CamtTransaction | null,
): Extract<PaymentKind, "payment" | "reversal" | "return"> | Skip {
  const returned = tx?.isReturn ?? false;
  if (entry.reversal) {
    return entry.direction === "DBIT"
      ? "reversal"
      : { code: "reversed_debit_skipped", message: "a credit reversing an earlier debit is not a member payment" };
  }
  if (entry.direction === "CRDT") {
    return returned
      ? {
          code: "returned_credit_skipped",
          message: "a credit returning the payee's own payment is not a member payment",
        }
      : "payment";
  }
  return returned
    ? "return"
    : { code: "debit_skipped", message: "a debit without RtrInf or RvslInd is not a member payment" };
}

function draftOf(
  entry: CamtEntry,
  tx: CamtTransaction | null,
  kind: "payment" | "reversal" | "return",
  version: string,
  mapping: Camt054Mapping,
  ustrdPattern: RegExp | null,
): PaymentDraft {
  const money = tx ? transactionCents(entry, tx) : { cents: entry.amountCents, currency: entry.currency };
  if (!money) {
    throw camtError(
      "missing_field",
      tx!.line,
      "TxDtls/Amt",
      "an entry with several transactions needs an amount on each",
    );
  }
  const several = entry.transactions.length > 1;
  const entryRef = entry.acctSvcrRef ?? entry.ntryRef;
  const sourceRef =
    tx?.endToEndId ??
    tx?.acctSvcrRef ??
    tx?.txId ??
    tx?.uetr ??
    (entryRef && several ? `${entryRef}#${tx!.index + 1}` : entryRef);
  const dates =
    mapping.settlementDate === "booking" ? [entry.bookingDate, entry.valueDate] : [entry.valueDate, entry.bookingDate];
  return {
    kind,
    sourceRef,
    amountCents: money.cents,
    currency: money.currency ?? entry.currency ?? "USD",
    payerName: tx?.debtorName ?? null,
    accountRaw: tx ? accountOf(tx, mapping, ustrdPattern) : null,
    initiatedOn: tx ? initiatedOn(tx, mapping) : null,
    settledOn: dates[0] ?? dates[1] ?? tx?.interbankSettlementDate ?? null,
    method: mapping.method,
    reasonCode: kind === "return" ? (tx?.returnReason ?? null) : null,
    originalRef: kind === "payment" ? null : (tx?.endToEndId ?? null),
    details: {
      message: `camt.054.${version}`,
      entryLine: entry.line,
      status: entry.status,
      bankTxCode: entry.bankTxCode,
      entryRef,
      endToEndId: tx?.endToEndId ?? null,
      remittanceText: tx?.ustrd.join(" ") || null,
      bookingDate: entry.bookingDate,
      valueDate: entry.valueDate,
      interbankSettlementDate: tx?.interbankSettlementDate ?? null,
    },
    raw: tx?.raw ?? entry.raw,
  };
}

/** The mapping's paths in order, then its pattern over the free text; as typed (the rules normalise). */
function accountOf(tx: CamtTransaction, mapping: Camt054Mapping, ustrdPattern: RegExp | null): string | null {
  for (const path of mapping.account.paths) {
    const value = text(tx.node, ...path.split("/"));
    if (value !== null) return value;
  }
  if (!ustrdPattern) return null;
  return ustrdPattern.exec(tx.ustrd.join(" "))?.[0] ?? null;
}

function initiatedOn(tx: CamtTransaction, mapping: Camt054Mapping): string | null {
  for (const path of mapping.initiatedOn) {
    const value = texts(tx.node, ...path.split("/"))[0];
    if (value === undefined) continue;
    const day = camtDay(value);
    if (day === null) throw camtError("invalid_date", tx.line, `TxDtls/${path}`, `"${value}"`);
    return day;
  }
  return null;
}

function* payeeWarnings(tx: CamtTransaction, payee: PayeeIdentity, seen: Set<string>): Generator<ParsedItem> {
  if (tx.creditorName && !payee.nameMatches(tx.creditorName) && !seen.has(`n:${tx.creditorName}`)) {
    seen.add(`n:${tx.creditorName}`);
    yield {
      kind: "warning",
      code: "payee_name_mismatch",
      message: `creditor "${tx.creditorName}" is not the payee`,
      line: tx.line,
      field: "TxDtls/RltdPties/Cdtr/Nm",
    };
  }
  if (tx.creditorAddress && !payee.addressMatches(tx.creditorAddress) && !seen.has(`a:${tx.creditorAddress}`)) {
    seen.add(`a:${tx.creditorAddress}`);
    yield {
      kind: "warning",
      code: "payee_address_mismatch",
      message: `creditor address "${tx.creditorAddress}" is not the payee's address`,
      line: tx.line,
      field: "TxDtls/RltdPties/Cdtr/PstlAdr",
    };
  }
}
