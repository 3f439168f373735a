import { bai2Error } from "./errors";
import { amountField, countField, dateField, type FieldCursor } from "./fields";

/**
 * Availability of an amount (BAI2 funds type): 0 immediate, 1 one day, 2 two or more days,
 * Z unknown; S gives the split in three amounts, V a value date (and time), D a distribution of
 * n (days, amount) pairs. Empty means not given.
 */
export type Funds =
  | { type: null }
  | { type: "0" | "1" | "2" | "Z" }
  | { type: "S"; immediateCents: number | null; oneDayCents: number | null; twoOrMoreDaysCents: number | null }
  | { type: "V"; valueDate: string | null; valueTime: string | null }
  | { type: "D"; distribution: { days: number | null; amountCents: number | null }[] };

/** Reads a funds type and the fields it brings; `record` names fields in errors ("16", "03"). */
export function readFunds(cursor: FieldCursor, record: string): Funds {
  const line = cursor.line;
  const type = (cursor.next() ?? "").toUpperCase();
  switch (type) {
    case "":
      return { type: null };
    case "0":
    case "1":
    case "2":
    case "Z":
      return { type };
    case "S":
      return {
        type,
        immediateCents: amountField(cursor.next(), line, `${record}.immediateAvailability`, true),
        oneDayCents: amountField(cursor.next(), line, `${record}.oneDayAvailability`, true),
        twoOrMoreDaysCents: amountField(cursor.next(), line, `${record}.twoOrMoreDaysAvailability`, true),
      };
    case "V":
      return {
        type,
        valueDate: dateField(cursor.next(), line, `${record}.valueDate`),
        valueTime: cursor.next() || null,
      };
    case "D": {
      const count = countField(cursor.next(), line, `${record}.distributionCount`) ?? 0;
      const distribution = [];
      for (let i = 0; i < count; i++) {
        distribution.push({
          days: countField(cursor.next(), line, `${record}.distributionDays`),
          amountCents: amountField(cursor.next(), line, `${record}.distributionAmount`, true),
        });
      }
      return { type, distribution };
    }
    default:
      throw bai2Error("invalid_funds_type", line, `${record}.fundsType`, { value: type });
  }
}
