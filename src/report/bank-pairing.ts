import { daysBetween } from "../rules/local-date";

/** A credit on the payee's bank statement (BAI2 16 record, camt.053 Ntry). */
export interface BankCredit {
  id: string;
  day: string;
  cents: number;
  /** Customer reference, bank reference and free text, as given. */
  refs: string[];
  statement: string;
  reference: string | null;
}

/** The money a remittance file moved on one settlement day (payments less reversals and returns). */
export interface RemittanceGroup {
  fileId: string;
  fileName: string;
  /** The file's own identifiers (format identity, header file id, message id). */
  keys: string[];
  fileNetCents: number;
  day: string;
  netCents: number;
  inPeriod: boolean;
}

export interface BankLine {
  creditId: string | null;
  valueOn: string | null;
  statement: string | null;
  reference: string | null;
  creditCents: number | null;
  fileId: string | null;
  fileName: string | null;
  settledOn: string | null;
  remittanceCents: number | null;
  /** Credit minus remittance; an unpaired credit counts whole, an unpaired remittance negative. */
  differenceCents: number;
  pairedBy: "reference" | "amount_and_date" | "none";
}

export const DATE_WINDOW_DAYS = 2;

export const BANK_PAIRING_RULE =
  `A bank credit settles a remittance file (1) by reference: the credit's customer reference, bank reference or text ` +
  `contains the file's identity, header file id or message id (or a reference of 8+ characters is contained in one), ` +
  `and then the credit is compared with the file's whole net money; else (2) by amount and date: the credit equals the net ` +
  `money (payments less reversals and returns, resent duplicates excluded) that one file settled on one day, and its value ` +
  `date is within ${DATE_WINDOW_DAYS} calendar days of that day (nearest first, each used once). Credits left over, and ` +
  `remittance days with no credit, are listed with the whole amount as the difference.`;

function refersTo(credit: BankCredit, keys: string[]): boolean {
  const refs = credit.refs.map((r) => r.toUpperCase());
  return keys.some((key) => {
    const k = key.toUpperCase();
    return refs.some((r) => r.includes(k) || (r.length >= 8 && k.includes(r)));
  });
}

type CreditFields = Pick<BankLine, "creditId" | "valueOn" | "statement" | "reference" | "creditCents">;

function creditFields(c: BankCredit): CreditFields {
  return { creditId: c.id, valueOn: c.day, statement: c.statement, reference: c.reference, creditCents: c.cents };
}

function pairByReference(
  credits: BankCredit[],
  groups: RemittanceGroup[],
  used: Set<RemittanceGroup>,
  lines: BankLine[],
): BankCredit[] {
  const unpaired: BankCredit[] = [];
  for (const c of credits) {
    const file = groups.find((g) => !used.has(g) && refersTo(c, g.keys));
    if (!file) {
      unpaired.push(c);
      continue;
    }
    // A reference names the whole file, so every settlement day of it is taken.
    const days = groups.filter((g) => g.fileId === file.fileId);
    days.forEach((g) => used.add(g));
    lines.push({
      ...creditFields(c),
      fileId: file.fileId,
      fileName: file.fileName,
      settledOn: days.map((g) => g.day).join(", "),
      remittanceCents: file.fileNetCents,
      differenceCents: c.cents - file.fileNetCents,
      pairedBy: "reference",
    });
  }
  return unpaired;
}

function pairByAmountAndDate(
  credits: BankCredit[],
  groups: RemittanceGroup[],
  used: Set<RemittanceGroup>,
  lines: BankLine[],
): void {
  for (const c of credits) {
    const candidates = groups
      .filter((g) => !used.has(g) && g.netCents === c.cents && Math.abs(daysBetween(g.day, c.day)) <= DATE_WINDOW_DAYS)
      .sort((a, b) => Math.abs(daysBetween(a.day, c.day)) - Math.abs(daysBetween(b.day, c.day)));
    const g = candidates[0];
    if (g) {
      used.add(g);
      lines.push({
        ...creditFields(c),
        fileId: g.fileId,
        fileName: g.fileName,
        settledOn: g.day,
        remittanceCents: g.netCents,
        differenceCents: 0,
        pairedBy: "amount_and_date",
      });
    } else {
      lines.push({
        ...creditFields(c),
        fileId: null,
        fileName: null,
        settledOn: null,
        remittanceCents: null,
        differenceCents: c.cents,
        pairedBy: "none",
      });
    }
  }
}

function addUnpairedRemittances(groups: RemittanceGroup[], used: Set<RemittanceGroup>, lines: BankLine[]): void {
  for (const g of groups) {
    if (used.has(g) || !g.inPeriod || g.netCents === 0) continue;
    lines.push({
      creditId: null,
      valueOn: null,
      statement: null,
      reference: null,
      creditCents: null,
      fileId: g.fileId,
      fileName: g.fileName,
      settledOn: g.day,
      remittanceCents: g.netCents,
      differenceCents: -g.netCents,
      pairedBy: "none",
    });
  }
}

export function pairBankCredits(credits: BankCredit[], groups: RemittanceGroup[]): { lines: BankLine[]; rule: string } {
  const used = new Set<RemittanceGroup>();
  const lines: BankLine[] = [];
  // Every reference is tried before any amount, so an equal amount cannot take a file a credit names.
  const unpaired = pairByReference(credits, groups, used, lines);
  pairByAmountAndDate(unpaired, groups, used, lines);
  // Remittance days with no credit matter only when there is a statement to look in.
  if (credits.length) addUnpairedRemittances(groups, used, lines);
  lines.sort((a, b) => (a.valueOn ?? a.settledOn ?? "").localeCompare(b.valueOn ?? b.settledOn ?? ""));
  return { lines, rule: BANK_PAIRING_RULE };
}
