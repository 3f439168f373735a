import type { PaymentDraft } from "../../src/model";
import * as addendaRecords from "./records/addenda";
import type { Addenda } from "./records/addenda";
import type { NachaEntry } from "./parser";
import type { PaymentKind } from "../../src/model/enums";

// Bound once at load, as in parser.ts: under tsx every use of an imported name is a getter lookup.
const { isChangeAddenda, isPaymentAddenda, isReturnAddenda } = addendaRecords;

/** Addenda as they go into details: plain data, no raw text (that is in `raw`). */
function addendaDetail(a: Addenda): Record<string, unknown> {
  if (isPaymentAddenda(a)) return { type: a.type, text: a.text, sequence: a.sequence };
  if (isReturnAddenda(a)) {
    const { type, reasonCode, originalTrace, dateOfDeath, originalDfi, information } = a;
    return { type, reasonCode, originalTrace, dateOfDeath, originalDfi, information };
  }
  if (isChangeAddenda(a)) {
    const { type, changeCode, originalTrace, originalDfi, correctedData } = a;
    return { type, changeCode, originalTrace, originalDfi, correctedData };
  }
  return { type: a.type, text: "text" in a ? a.text : "" };
}

/**
 * One NACHA entry as the canonical payment draft. Only entries of a canonical kind reach here
 * (zero-dollar entries become warnings). The account is the biller account field as typed,
 * trimmed at the ends only: the account rules normalise (and mask an SSN), not the parser.
 */
export function toPaymentDraft(e: NachaEntry, kind: PaymentKind): PaymentDraft {
  const d = e.detail;
  const b = e.batch;
  // The first 99 (or 98) is the return (or change) itself; later ones are dishonor/contest steps.
  const ret = e.addenda.find(isReturnAddenda);
  const change = e.addenda.find(isChangeAddenda);
  const details: Record<string, unknown> = {
    billerId: b.companyIdentification,
    companyName: b.companyName,
    secCode: b.standardEntryClassCode,
    entryDescription: b.companyEntryDescription,
    batchNumber: b.batchNumber,
    traceNumber: d.traceNumber,
    transactionCode: d.transactionCode,
    direction: e.direction,
    addenda: e.addenda.map(addendaDetail),
  };
  if (d.dfiAccountNumber) details.dfiAccount = d.dfiAccountNumber;
  if (e.effectiveDateMissing) details.effectiveDateMissing = true;
  if (change) details.correctedData = change.correctedData;
  return {
    kind,
    sourceRef: d.traceNumber,
    amountCents: d.amountCents ?? 0,
    currency: "USD",
    payerName: d.individualName || null,
    accountRaw: d.identification || null,
    initiatedOn: b.descriptiveDay,
    settledOn: e.settledOn,
    method: "ach",
    reasonCode: ret?.reasonCode ?? change?.changeCode ?? null,
    originalRef: ret?.originalTrace ?? change?.originalTrace ?? null,
    details,
    raw: e.raw,
  };
}
