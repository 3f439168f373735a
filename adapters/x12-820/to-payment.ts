import type { PaymentDraft } from "../../src/model";
import type { PaymentKind, PlanType } from "../../src/model/enums";
import type { Adjustment, RemittanceLine, TransactionContext } from "./reader-820";
import { ADJUSTMENT_REASONS, displayName } from "./segments/remittance";
import { centsToDecimal } from "../../src/model/money";
import type { X12Mapping } from "./mapping";

const METHODS: Readonly<Record<string, PaymentDraft["method"]>> = { ACH: "ach", CHK: "check", FWT: "wire" };

/** TRN02 when the sender gave one, else the interchange and transaction control numbers. */
export function traceOf(ctx: TransactionContext): string {
  return ctx.trn?.trace || `${ctx.isa.controlNumber}/${ctx.st.controlNumber}`;
}

export function describeAdjustment(a: Adjustment): string {
  const reason = ADJUSTMENT_REASONS[a.adx.reasonCode];
  return `ADX ${a.adx.reasonCode || "(no reason code)"}${reason ? ` (${reason})` : ""} of ${centsToDecimal(a.adx.amountCents)}`;
}

function planTypeOf(line: RemittanceLine, mapping: X12Mapping): PlanType | null {
  const rule = mapping.planType;
  if (!rule) return null;
  const refs = [...line.refs, ...(line.entity?.refs ?? [])].filter((r) => rule.refQualifiers.includes(r.qualifier));
  for (const ref of refs) {
    if (new RegExp(rule.dental).test(ref.value)) return "dental";
    if (new RegExp(rule.health).test(ref.value)) return "health";
  }
  return null;
}

/**
 * One RMR as the canonical payment draft. RMR02 is kept as typed (the account rules normalise and
 * mask it); ENT04 and NM109 are identifiers that may be SSNs, so they are not copied into details.
 */
export function toPaymentDraft(line: RemittanceLine, mapping: X12Mapping): PaymentDraft {
  const ctx = line.transaction;
  const bpr = ctx.bpr;
  const trace = traceOf(ctx);
  const coverage = line.coverage ?? line.entity?.coverage ?? ctx.coverage;
  const kind: PaymentKind = bpr?.handlingCode === "P" ? "prenote" : line.rmr.paidCents < 0 ? "reversal" : "payment";
  const nm1 = line.entity?.nm1;
  const party = ctx.parties.find((p) => p.entityCode === "PR") ?? ctx.parties.find((p) => p.entityCode === "RM");
  const individual = line.entity?.ent.entityCode === "2J";
  const reference = line.rmr.reference;
  return {
    kind,
    sourceRef: `${trace}:${line.sequence}`,
    amountCents: Math.abs(line.rmr.paidCents),
    currency: "USD",
    payerName: (nm1 ? displayName(nm1) : null) ?? (individual ? null : (party?.name ?? null)),
    accountRaw: mapping.accountQualifiers.includes(line.rmr.qualifier) && reference.trim() !== "" ? reference : null,
    initiatedOn: ctx.createdOn,
    settledOn: bpr?.effectiveDate ?? null,
    coverageMonth: coverage ? coverage.start.slice(0, 7) : null,
    planType: planTypeOf(line, mapping),
    method: METHODS[bpr?.methodCode ?? ""] ?? "other",
    details: {
      trace,
      rmrSequence: line.sequence,
      rmrQualifier: line.rmr.qualifier,
      rmrActionCode: line.rmr.actionCode || null,
      billedCents: line.rmr.billedCents,
      coveragePeriod: coverage,
      adjustments: line.adjustments.map((a) => ({
        amountCents: a.adx.amountCents,
        reasonCode: a.adx.reasonCode || null,
        reason: ADJUSTMENT_REASONS[a.adx.reasonCode] ?? null,
        segment: a.at.index,
      })),
      entity: line.entity
        ? { assignedNumber: line.entity.ent.assignedNumber, entityCode: line.entity.ent.entityCode }
        : null,
      handlingCode: bpr?.handlingCode ?? null,
      paymentMethodCode: bpr?.methodCode ?? null,
      version: ctx.version,
      interchangeControlNumber: ctx.isa.controlNumber,
      groupControlNumber: ctx.gs.controlNumber,
      transactionControlNumber: ctx.st.controlNumber,
      segment: line.at.index,
      physicalLine: line.at.line,
    },
    raw: line.raw,
  };
}
