import { z } from "zod";
import { IsoDate, YearMonth } from "./dates";
import { Finding } from "./finding";
import {
  ACCOUNT_STATUSES,
  MATCH_STATUSES,
  PAYMENT_KINDS,
  PAYMENT_RECORD_STATUSES,
  PLAN_TYPES,
  TIMING_STATUSES,
} from "./enums";

const Cents = z.number().int().refine(Number.isSafeInteger, "cents must be a safe integer");

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A record's format-specific facts: any plain object, as z.record(z.string(), z.unknown()) accepts,
 * checked as a whole rather than key by key (that ran two schemas per key of every record, half
 * the time of reading a million-entry file with the rules). Passed on as the adapter built it.
 */
export const FormatDetails = z.custom<Record<string, unknown>>(isPlainObject, "expected an object of details");

/**
 * What an adapter produces for one money movement, before any rule ran. Adapters fill what their
 * format carries and leave the rest null; `details` holds format-specific facts worth keeping
 * (biller id, addenda text, NOC corrected data) and `raw` the record text as received.
 */
export const PaymentDraft = z.object({
  kind: z.enum(PAYMENT_KINDS),
  sourceRef: z.string().min(1).nullable(),
  amountCents: Cents.refine((c) => c >= 0, "amount is a magnitude; the kind says the direction"),
  currency: z.string().length(3).default("USD"),
  payerName: z.string().nullable(),
  /** The member's account number as typed at the bank; masked by the rules before storage. */
  accountRaw: z.string().nullable(),
  initiatedOn: IsoDate.nullable(),
  settledOn: IsoDate.nullable(),
  /** When the format states the coverage month (X12 DTM*582), else null and the rules derive it. */
  coverageMonth: YearMonth.nullable().default(null),
  planType: z.enum(PLAN_TYPES).nullable().default(null),
  method: z.enum(["ach", "check", "wire", "card", "other"]).default("ach"),
  /** Returns: R01…; NOC: C01…. */
  reasonCode: z.string().nullable().default(null),
  /** Returns, reversals and NOCs: the trace / reference of the entry they refer to. */
  originalRef: z.string().nullable().default(null),
  details: FormatDetails.default({}),
  raw: z.string(),
});
export type PaymentDraft = z.input<typeof PaymentDraft>;
export type ParsedPaymentDraft = z.output<typeof PaymentDraft>;

/** What the rules add to a draft (src/rules). */
export const PaymentAssessment = z.object({
  accountRaw: z.string().nullable(),
  accountNumber: z.string().regex(/^\d+$/).nullable(),
  accountStatus: z.enum(ACCOUNT_STATUSES),
  coverageMonth: YearMonth.nullable(),
  dueOn: IsoDate.nullable(),
  leadDays: z.number().int().nullable(),
  timingStatus: z.enum(TIMING_STATUSES),
  /** R3: a late or short first payment moves the earliest coverage start; null otherwise. */
  earliestCoverageStart: IsoDate.nullable().default(null),
  findings: z.array(Finding),
});
export type PaymentAssessment = z.output<typeof PaymentAssessment>;

/** The canonical payment as stored: one row per money movement. */
export const Payment = PaymentDraft.extend(PaymentAssessment.shape).extend({
  id: z.string().uuid().optional(),
  aggregator: z.string(),
  fileId: z.string().uuid(),
  line: z.number().int().positive(),
  status: z.enum(PAYMENT_RECORD_STATUSES).default("active"),
  duplicateOf: z.string().uuid().nullable().default(null),
  matchStatus: z.enum(MATCH_STATUSES).default("unmatched"),
});
export type Payment = z.output<typeof Payment>;
