import { z } from "zod";
import { FILE_STATUSES, PAYMENT_KINDS } from "./enums";

export const ErrorRecord = z.object({
  code: z.string(),
  line: z.number().int().nonnegative().nullable(),
  field: z.string().nullable(),
  message: z.string(),
});
export type ErrorRecord = z.infer<typeof ErrorRecord>;

/** A control total the file declares, beside what was parsed. */
export const ControlRecord = z.object({
  scope: z.string(),
  line: z.number().int().nonnegative(),
  declaredCount: z.number().int().nullable(),
  parsedCount: z.number().int().nullable(),
  declaredTotalCents: z.number().int().nullable(),
  parsedTotalCents: z.number().int().nullable(),
});
export type ControlRecord = z.infer<typeof ControlRecord>;

export const ByKind = z.record(
  z.enum(PAYMENT_KINDS),
  z.object({ count: z.number().int(), totalCents: z.number().int() }),
);

/** One received file in the ledger. */
export const RemittanceFile = z.object({
  id: z.string().uuid(),
  aggregator: z.string(),
  adapter: z.string(),
  name: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
  status: z.enum(FILE_STATUSES),
  /** Format-level identity beyond the hash (NACHA: origin + creation date/time + modifier). */
  identity: z.string().nullable(),
  paymentCount: z.number().int().nonnegative(),
  totalCents: z.number().int(),
  byKind: ByKind,
  controls: z.array(ControlRecord),
  errors: z.array(ErrorRecord),
  warnings: z.array(ErrorRecord),
  receivedAt: z.date(),
  postedAt: z.date().nullable(),
});
export type RemittanceFile = z.infer<typeof RemittanceFile>;
