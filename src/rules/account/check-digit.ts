/**
 * Check-digit routines a payee may register with the bill-pay networks. The last digit of the
 * account number is the check digit over the digits before it.
 */
export const CHECK_DIGIT_ROUTINES = ["none", "luhn", "mod11"] as const;
export type CheckDigitRoutine = (typeof CHECK_DIGIT_ROUTINES)[number];

function digitsOf(payload: string): number[] {
  if (!/^\d+$/.test(payload)) throw new RangeError("a check digit is computed over digits only");
  return [...payload].map(Number);
}

/** Luhn (mod 10): double every second digit counting from the right of the payload. */
export function luhnCheckDigit(payload: string): string {
  const digits = digitsOf(payload).reverse();
  let sum = 0;
  digits.forEach((d, i) => {
    if (i % 2 === 0) {
      const doubled = d * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    } else {
      sum += d;
    }
  });
  return String((10 - (sum % 10)) % 10);
}

/**
 * Mod 11 with weights 2, 3, … 10 from the right of the payload (repeating after 10); check digit
 * = 11 − (sum mod 11), where 11 gives 0 and 10 has no digit: such a payload cannot be valid.
 */
export function mod11CheckDigit(payload: string): string | null {
  const digits = digitsOf(payload).reverse();
  const sum = digits.reduce((acc, d, i) => acc + d * (2 + (i % 9)), 0);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? null : String(check);
}

export function passesCheckDigit(value: string, routine: CheckDigitRoutine): boolean {
  if (routine === "none") return true;
  if (!/^\d{2,}$/.test(value)) return false;
  const payload = value.slice(0, -1);
  const expected = routine === "luhn" ? luhnCheckDigit(payload) : mod11CheckDigit(payload);
  return expected === value.slice(-1);
}
