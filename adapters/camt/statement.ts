import type { ParsedItem } from "../../src/adapter-kit/adapter";
import type { BankEntryDraft } from "../../src/model";
import type { CamtEntry } from "./entry";
import type { Camt053Mapping } from "./mapping";
import { readCamt, type CamtContainer } from "./reader";

/**
 * camt.053 → bank entries. A statement line is money that reached (or left) the payee's bank
 * account, kept to reconcile remittance files against the credits that settled them: one
 * `bank_entry` per `Ntry`, never a member payment. Entries whose status the mapping does not
 * count (PDNG, INFO) are warnings.
 */
export async function* parseStatement(
  input: AsyncIterable<Buffer | string>,
  mapping: Camt053Mapping,
): AsyncGenerator<ParsedItem> {
  const { versions, limits, statuses, checkBalances } = mapping;
  for await (const item of readCamt(input, { message: "camt.053", versions, limits, statuses, checkBalances })) {
    if (item.kind !== "entry") {
      yield item;
      continue;
    }
    const { entry, container, version } = item;
    yield { kind: "bank_entry", entry: bankEntryOf(entry, container, version), line: entry.line };
  }
}

function bankEntryOf(entry: CamtEntry, container: CamtContainer, version: string): BankEntryDraft {
  const only = entry.transactions.length === 1 ? entry.transactions[0] : null;
  const remittance = entry.transactions.flatMap((tx) => tx.ustrd);
  return {
    direction: entry.direction === "CRDT" ? "credit" : "debit",
    amountCents: entry.amountCents,
    currency: entry.currency ?? "USD",
    bankAccount: container.account,
    typeCode: entry.bankTxCode,
    bankRef: entry.acctSvcrRef,
    customerRef: only?.endToEndId ?? entry.ntryRef ?? entry.batches[0]?.ref ?? null,
    text: [entry.additionalInfo, ...remittance].filter(Boolean).join(" ") || null,
    bookedOn: entry.bookingDate,
    valueOn: entry.valueDate,
    details: {
      message: `camt.053.${version}`,
      statementId: container.id,
      reversal: entry.reversal,
      status: entry.status,
      transactions: entry.transactions.length,
      payerName: only?.debtorName ?? null,
    },
    raw: entry.raw,
  };
}
