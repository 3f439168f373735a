import { z } from "zod";

/** A day, not a moment: "2017-03-23". Days are America/New_York local dates (see rules/). */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");
export type IsoDate = z.infer<typeof IsoDate>;

/** A coverage month: "2017-04" means coverage starting 2017-04-01. */
export const YearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "expected a month YYYY-MM");
export type YearMonth = z.infer<typeof YearMonth>;

export const PAYEE_ZONE = "America/New_York";
