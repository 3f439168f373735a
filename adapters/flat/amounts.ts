import { centsToDecimal, decimalToCents, digitsToCents } from "../../src/model";
import type { AmountField } from "./types";

const GROUPED = /^\d{1,3}(,\d{3})+(\.\d+)?$/;

/**
 * Reads an amount as signed integer cents, as the field declares it (cents or decimal dollars,
 * leading or trailing minus, or a separate sign field). Returns a reason string when it is not one.
 */
export function parseAmount(text: string, field: AmountField<unknown>, signText?: string): number | string {
  let t = text.trim();
  let negative = false;
  if (field.sign === "trailing" && /[+-]$/.test(t)) {
    negative = t.endsWith("-");
    t = t.slice(0, -1).trimEnd();
  } else if (field.sign === "leading" && /^[+-]/.test(t)) {
    negative = t.startsWith("-");
    t = t.slice(1).trimStart();
  }
  if (field.thousands && GROUPED.test(t)) t = t.replace(/,/g, "");
  const shape = field.style === "cents" ? /^\d+$/ : /^\d+(\.\d{1,2})?$/;
  if (!shape.test(t)) {
    return field.style === "cents" ? "expected digits counting cents" : "expected dollars with at most two decimals";
  }
  const magnitude = field.style === "cents" ? digitsToCents(t) : decimalToCents(t);
  if (field.signField && signText !== undefined && field.signField.negative.includes(signText.trim()))
    negative = !negative;
  return negative && magnitude !== 0 ? -magnitude : magnitude;
}

/**
 * Writes signed cents the way the field declares them: the amount text and, when the field has a
 * separate sign field, the sign text. `width` zero-fills a cents amount to a fixed-width field.
 */
export function formatAmount(
  cents: number,
  field: AmountField<unknown>,
  width?: number,
): { amount: string; sign: string | null } {
  const negative = cents < 0;
  const magnitude = Math.abs(cents);
  let amount = field.style === "cents" ? String(magnitude) : centsToDecimal(magnitude);
  let sign: string | null = null;
  if (field.signField) sign = negative ? field.signField.negative[0] : "";
  else if (negative && field.sign === "trailing") amount = `${amount}-`;
  else if (negative && field.sign === "leading") amount = `-${amount}`;
  if (width !== undefined) amount = field.style === "cents" ? amount.padStart(width, "0") : amount.padStart(width, " ");
  return { amount, sign };
}
