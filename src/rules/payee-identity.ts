/**
 * RULES R6: a file or transaction that names its payee (camt creditor, X12 N1*PE, a flat file
 * header) gets a warning, never a rejection, when that is not the payee (name, or postal address). Banks abbreviate and re-case names and
 * write "PO BOX" a dozen ways, so the comparison is loose on purpose:
 * - a name matches when, reduced to letters and digits, it equals or contains a payee name;
 * - an address matches when it holds every number of five or more digits of the payee's address
 *   (the P.O. Box and the ZIP code), whatever else it says.
 */
export class PayeeIdentity {
  private readonly names: string[];
  private readonly addressNumbers: string[];

  constructor(names: readonly string[], address: string) {
    this.names = names.map(squash).filter(Boolean);
    this.addressNumbers = numbers(address).filter((n) => n.length >= 5);
  }

  nameMatches(name: string): boolean {
    const n = squash(name);
    return this.names.some((payee) => n === payee || n.includes(payee));
  }

  addressMatches(address: string): boolean {
    const given = new Set(numbers(address));
    return this.addressNumbers.every((n) => given.has(n));
  }
}

function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function numbers(text: string): string[] {
  return text.match(/\d+/g) ?? [];
}

/** Whether a name a file gives for its payee is that payee, by the same loose rule. */
export function namesPayee(given: string, payeeName: string): boolean {
  return new PayeeIdentity([payeeName], "").nameMatches(given);
}
