import { formatUsd } from "../../model";
import { describeEdit, type AccountEdit, type EditFound } from "./account-edits";
import type { NameEvidence } from "./names";

/**
 * What speaks for one candidate account, and how much. The weights add up to the candidate's
 * score (at most 1): a slip of one keystroke with the payer's name on the bill and the amount of
 * an open invoice is as near certain as this gets; a slip alone, or a name alone, is not.
 */
export type EvidenceKind =
  AccountEdit | NameEvidence | "amount_equals_invoice" | "amount_equals_pair" | "earlier_payments";

export interface Evidence {
  kind: EvidenceKind;
  weight: number;
  detail: string;
}

/** Each kind's weight in hundredths of a score. */
const POINTS: Record<EvidenceKind, number> = {
  transposition: 45,
  substitution: 40,
  dropped_digit: 40,
  added_digit: 40,
  same_name: 35,
  initials: 20,
  amount_equals_invoice: 20,
  amount_equals_pair: 20,
  earlier_payments: 10,
};

export function editEvidence(found: EditFound): Evidence {
  return { kind: found.edit, weight: POINTS[found.edit] / 100, detail: describeEdit(found) };
}

export function nameEvidence(kind: NameEvidence, payer: string, member: string): Evidence {
  const how = kind === "same_name" ? "is the member's name" : "matches the member's name by initials";
  return { kind, weight: POINTS[kind] / 100, detail: `payer name "${payer}" ${how} ("${member}")` };
}

export function amountEvidence(amountCents: number, invoiceNumbers: string[]): Evidence {
  const kind = invoiceNumbers.length > 1 ? "amount_equals_pair" : "amount_equals_invoice";
  const what =
    invoiceNumbers.length > 1
      ? `the health and dental invoices ${invoiceNumbers.join(" and ")} together`
      : `open invoice ${invoiceNumbers[0]}`;
  return { kind, weight: POINTS[kind] / 100, detail: `${formatUsd(amountCents)} is what ${what} still owe` };
}

export function historyEvidence(payments: number): Evidence {
  const what = payments === 1 ? "an earlier payment" : `${payments} earlier payments`;
  return {
    kind: "earlier_payments",
    weight: POINTS.earlier_payments / 100,
    detail: `${what} from this payer name went to this account`,
  };
}

/** The candidate's score: its evidence's weights, summed, at most 1, to 2 decimals. */
export function scoreOf(evidence: Evidence[]): number {
  // Summed in whole hundredths (the weights' own), so that no float sum needs rounding back.
  return (
    Math.min(
      100,
      evidence.reduce((sum, e) => sum + POINTS[e.kind], 0),
    ) / 100
  );
}
