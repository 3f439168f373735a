import { x12Error } from "../errors";
import { element, type X12Segment } from "../segment-reader";
import { dtmPeriod, fieldName, x12Cents, x12Date, type DatePeriod } from "../values";

/** BPR: beginning segment for payment order/remittance advice (the money of the whole 820). */
export interface Bpr {
  /** BPR01: C payment + remittance, D payment only, I remittance only, P prenotification, U split, X handling party's option. */
  handlingCode: string;
  /** BPR02: total paid. */
  totalCents: number;
  /** BPR03: C credit, D debit. */
  creditDebit: string;
  /** BPR04: ACH, CHK, FWT, BOP, NON. */
  methodCode: string;
  /** BPR05: payment format (CCP, CTX, …). */
  formatCode: string;
  /** BPR16: effective entry date (the day the money settles). */
  effectiveDate: string | null;
}

export function parseBpr(s: X12Segment): Bpr {
  const amount = element(s, 2).trim();
  if (amount === "") throw x12Error("missing_element", s, "BPR02", { what: "BPR02 total payment amount" });
  const date = element(s, 16).trim();
  return {
    handlingCode: element(s, 1).trim(),
    totalCents: x12Cents(amount, s, 2),
    creditDebit: element(s, 3).trim(),
    methodCode: element(s, 4).trim(),
    formatCode: element(s, 5).trim(),
    effectiveDate: date ? x12Date(date, s, 16) : null,
  };
}

/** TRN: trace; TRN02 is the ACH credit's trace (or the check number). */
export interface Trn {
  typeCode: string;
  trace: string;
  originatorId: string;
}

export function parseTrn(s: X12Segment): Trn {
  return { typeCode: element(s, 1).trim(), trace: element(s, 2).trim(), originatorId: element(s, 3).trim() };
}

/** REF: a qualified reference. */
export interface Ref {
  qualifier: string;
  value: string;
}

export function parseRef(s: X12Segment): Ref {
  return { qualifier: element(s, 1).trim(), value: element(s, 2).trim() };
}

/** DTM: a qualified date or period (582 = coverage period, 097 = transaction creation). */
export interface Dtm {
  qualifier: string;
  period: DatePeriod | null;
}

export function parseDtm(s: X12Segment): Dtm {
  return { qualifier: element(s, 1).trim(), period: dtmPeriod(s) };
}

/** N1: a party (PE payee, PR payer, RM remitter). */
export interface N1 {
  entityCode: string;
  name: string;
  idQualifier: string;
  id: string;
}

export function parseN1(s: X12Segment): N1 {
  return {
    entityCode: element(s, 1).trim(),
    name: element(s, 2).trim(),
    idQualifier: element(s, 3).trim(),
    id: element(s, 4).trim(),
  };
}

/** ENT: start of an entity loop (2J individual, 2L organization). ENT04 may be an SSN (ENT03 = 34). */
export interface Ent {
  assignedNumber: string;
  entityCode: string;
  idQualifier: string;
  id: string;
}

export function parseEnt(s: X12Segment): Ent {
  return {
    assignedNumber: element(s, 1).trim(),
    entityCode: element(s, 2).trim(),
    idQualifier: element(s, 3).trim(),
    id: element(s, 4).trim(),
  };
}

/** NM1: an individual or organization name; NM109 may be an SSN (NM108 = 34). */
export interface Nm1 {
  entityCode: string;
  /** NM102: 1 person, 2 non-person. */
  entityType: string;
  lastOrOrganization: string;
  first: string;
  middle: string;
  idQualifier: string;
  id: string;
}

export function parseNm1(s: X12Segment): Nm1 {
  return {
    entityCode: element(s, 1).trim(),
    entityType: element(s, 2).trim(),
    lastOrOrganization: element(s, 3).trim(),
    first: element(s, 4).trim(),
    middle: element(s, 5).trim(),
    idQualifier: element(s, 8).trim(),
    id: element(s, 9).trim(),
  };
}

/** "JANE Q SMITH" for a person, the organization name otherwise; null when NM1 carries no name. */
export function displayName(nm1: Nm1): string | null {
  const parts = nm1.entityType === "2" ? [nm1.lastOrOrganization] : [nm1.first, nm1.middle, nm1.lastOrOrganization];
  const name = parts.filter((p) => p !== "").join(" ");
  return name === "" ? null : name;
}

/** RMR: one remittance line, i.e. one payment. */
export interface Rmr {
  /** RMR01: what RMR02 is (11 account, IK invoice, AZ/IG policy, …). */
  qualifier: string;
  /** RMR02 as received (not trimmed: members type blanks into account numbers). */
  reference: string;
  actionCode: string;
  paidCents: number;
  billedCents: number | null;
}

export function parseRmr(s: X12Segment): Rmr {
  const paid = element(s, 4).trim();
  if (paid === "") throw x12Error("missing_element", s, "RMR04", { what: "RMR04 amount paid" });
  const billed = element(s, 5).trim();
  return {
    qualifier: element(s, 1).trim(),
    reference: element(s, 2),
    actionCode: element(s, 3).trim(),
    paidCents: x12Cents(paid, s, 4),
    billedCents: billed === "" ? null : x12Cents(billed, s, 5),
  };
}

/** ADX: an adjustment (52 credit for overpayment, 53 remittance for prior underpayment, …). */
export interface Adx {
  amountCents: number;
  reasonCode: string;
  refQualifier: string;
  ref: string;
}

export const ADJUSTMENT_REASONS: Readonly<Record<string, string>> = {
  "52": "credit for overpayment",
  "53": "remittance for previous underpayment",
};

export function parseAdx(s: X12Segment): Adx {
  const amount = element(s, 1).trim();
  if (amount === "") throw x12Error("missing_element", s, fieldName(s, 1), { what: "ADX01 adjustment amount" });
  return {
    amountCents: x12Cents(amount, s, 1),
    reasonCode: element(s, 2).trim(),
    refQualifier: element(s, 3).trim(),
    ref: element(s, 4).trim(),
  };
}
