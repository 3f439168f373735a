import type { Readable } from "node:stream";
import type { ParsedItem, RemittanceAdapter } from "../../src/adapter-kit/adapter";
import { readDelimiters } from "./delimiters";
import { read820, type TransactionContext, type X12Event } from "./reader-820";
import { centsToDecimal } from "../../src/model/money";
import { X12Mapping } from "./mapping";
import { describeAdjustment, toPaymentDraft } from "./to-payment";
import { namesPayee } from "../../src/rules/payee-identity";

function* transactionWarnings(ctx: TransactionContext, line: number, mapping: X12Mapping): Generator<ParsedItem> {
  const payee = ctx.parties.find((p) => p.entityCode === "PE");
  if (payee && !namesPayee(payee.name, mapping.payeeName)) {
    yield {
      kind: "warning",
      code: "payee_mismatch",
      line,
      field: "N102",
      message: `N1*PE of transaction set ${ctx.st.controlNumber} names the payee ${JSON.stringify(payee.name)}, not ${JSON.stringify(mapping.payeeName)}`,
    };
  }
  if (ctx.bpr && !ctx.bpr.effectiveDate) {
    yield {
      kind: "warning",
      code: "missing_effective_date",
      line: ctx.bprAt?.index ?? line,
      field: "BPR16",
      message: `BPR16 (effective date) of transaction set ${ctx.st.controlNumber} is empty: its payments have no settlement day`,
    };
  }
}

type EventOf<T extends X12Event["type"]> = Extract<X12Event, { type: T }>;

function interchangeItem(event: EventOf<"interchange">): ParsedItem {
  const isa = event.isa;
  return {
    kind: "header",
    line: event.at.index,
    identity: `${isa.senderQualifier}:${isa.senderId}:${isa.controlNumber}`,
    info: {
      senderId: isa.senderId,
      receiverId: isa.receiverId,
      date: isa.date,
      time: isa.time,
      controlNumber: isa.controlNumber,
      usage: isa.usage,
      versionNumber: isa.versionNumber,
    },
  };
}

function* remittanceItems(event: EventOf<"remittance">, mapping: X12Mapping): Generator<ParsedItem> {
  const line = event.line;
  const rmrAt = line.at.index;
  if (!mapping.accountQualifiers.includes(line.rmr.qualifier)) {
    yield {
      kind: "warning",
      code: "unexpected_rmr_qualifier",
      line: rmrAt,
      field: "RMR01",
      message: `RMR01 ${JSON.stringify(line.rmr.qualifier)} is not one of the account qualifiers (${mapping.accountQualifiers.join(", ")}): no account number taken`,
    };
  }
  if (line.rmr.paidCents < 0) {
    yield {
      kind: "warning",
      code: "negative_remittance",
      line: rmrAt,
      field: "RMR04",
      message: `RMR04 is negative (${centsToDecimal(line.rmr.paidCents)}): recorded as a reversal`,
    };
  }
  for (const a of line.adjustments) {
    yield {
      kind: "warning",
      code: "x12_adjustment",
      line: a.at.index,
      field: "ADX01",
      message: `${describeAdjustment(a)} on the RMR at segment ${rmrAt}`,
    };
  }
  yield { kind: "payment", line: rmrAt, draft: toPaymentDraft(line, mapping) };
}

function adjustmentItem(event: EventOf<"adjustment">, mapping: X12Mapping): ParsedItem {
  const a = event.adjustment;
  const owner = event.entity
    ? `entity ${event.entity.ent.assignedNumber || "(unnumbered)"}`
    : `transaction set ${event.transaction.st.controlNumber}`;
  const counted = mapping.adjustmentBalance === "none" ? "not counted" : "counted";
  return {
    kind: "warning",
    code: "x12_adjustment",
    line: a.at.index,
    field: "ADX01",
    message: `${describeAdjustment(a)} on ${owner} (${counted} in BPR02)`,
  };
}

function controlItem(event: EventOf<"control">): ParsedItem {
  return {
    kind: "control",
    scope: `${event.scope} ${event.controlNumber}`,
    line: event.at.index,
    declared: event.declared,
    parsed: event.parsed,
  };
}

function* toItems(event: X12Event, mapping: X12Mapping): Generator<ParsedItem> {
  switch (event.type) {
    case "interchange":
      yield interchangeItem(event);
      return;
    case "remittance":
      yield* remittanceItems(event, mapping);
      return;
    case "adjustment":
      yield adjustmentItem(event, mapping);
      return;
    case "control":
      yield controlItem(event);
      return;
  }
}

async function* parse(input: Readable, mapping: X12Mapping): AsyncGenerator<ParsedItem> {
  for await (const event of read820(input, {
    versions: mapping.versions,
    adjustmentBalance: mapping.adjustmentBalance,
  })) {
    if (event.type === "control" && event.transaction)
      yield* transactionWarnings(event.transaction, event.at.index, mapping);
    yield* toItems(event, mapping);
  }
}

/** True when the first bytes are an ISA whose interchange carries a remittance advice (GS*RA / ST*820). */
function sniff(head: Buffer): boolean {
  const text = head.toString("latin1").replace(/^[\s\uFEFF]+/, "");
  try {
    const d = readDelimiters(text.slice(0, 106));
    return text.includes(`GS${d.element}RA${d.element}`) || text.includes(`ST${d.element}820${d.element}`);
  } catch {
    return false;
  }
}

/**
 * ASC X12 820 premium payments (HIPAA 005010X218, and 004010X061A1): one payment per RMR, with the
 * envelope counts, control numbers and BPR02 balance enforced. Lines are segment numbers.
 */
export const adapter: RemittanceAdapter<X12Mapping> = {
  id: "x12-820",
  description: "ASC X12 820 premium payment/remittance advice (005010X218, 004010X061A1): one payment per RMR.",
  mappingSchema: X12Mapping,
  sniff,
  parse: (input, mapping) => parse(input, mapping),
};

/** The x12-820 family has one adapter. */
export const adapters: readonly RemittanceAdapter[] = [adapter as RemittanceAdapter];
