/** "123-45-6789" → "*****6789": keep the last 4 digits, hide how many there were. */
export function maskDigits(value: string): string {
  const digits = value.replace(/\D/g, "");
  return `*****${digits.slice(-4)}`;
}
