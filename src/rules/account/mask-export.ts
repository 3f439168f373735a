import type { PayeePolicy } from "../payee-policy";
import type { CheckDigitRoutine } from "./check-digit";

/**
 * The payee's account masks and check-digit rule as a biller registers them with a bill-pay
 * network, so that the member's bank refuses a mistyped number before sending it (J22 mask
 * failure, J23 check-digit failure) instead of the payee receiving an exception.
 */

export const MASK_EXPORT_FORMATS = ["rpps", "json"] as const;
export type MaskExportFormat = (typeof MASK_EXPORT_FORMATS)[number];

const CHECK_DIGIT_RULES: Record<CheckDigitRoutine, string> = {
  none: "no check digit",
  luhn: "Luhn (mod 10): the last digit is the check digit over the digits before it, every second digit from the right doubled",
  mod11:
    "weighted mod 11: the last digit is 11 minus the sum of the digits before it weighted 2 to 10 from the right, mod 11 (11 gives 0; 10 is never valid)",
};

export interface MaskRegistration {
  aggregator: string;
  payee: { name: string; address: string };
  masks: { mask: string; length: number }[];
  checkDigit: { routine: CheckDigitRoutine; rule: string };
  syntax: string;
}

export const MASK_SYNTAX =
  "# any digit, * any letter, @ a letter or digit, any other character itself; the length must match";

export function maskRegistration(
  aggregator: string,
  policy: Pick<PayeePolicy, "name" | "address" | "masks" | "checkDigit">,
): MaskRegistration {
  return {
    aggregator,
    payee: { name: policy.name, address: policy.address },
    masks: policy.masks.map((mask) => ({ mask, length: mask.length })),
    checkDigit: { routine: policy.checkDigit, rule: CHECK_DIGIT_RULES[policy.checkDigit] },
    syntax: MASK_SYNTAX,
  };
}

/** The registration as text (one mask per line, as the network's biller profile lists them) or as JSON. */
export function renderMaskRegistration(r: MaskRegistration, format: MaskExportFormat): string {
  if (format === "json") return `${JSON.stringify(r, null, 2)}\n`;
  const lines = [
    `# Account masks of ${r.payee.name} for aggregator ${r.aggregator}`,
    `# Mask syntax: ${r.syntax}. A number passing any one mask has a valid form.`,
    `BILLER ${r.payee.name}`,
    `ADDRESS ${r.payee.address}`,
    ...r.masks.map((m) => `MASK ${m.mask} LENGTH ${m.length}`),
    `CHECK-DIGIT ${r.checkDigit.routine.toUpperCase()}`,
    `# ${r.checkDigit.rule}`,
  ];
  return `${lines.join("\n")}\n`;
}
