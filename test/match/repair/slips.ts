import { writeFileSync } from "node:fs";
import path from "node:path";

/** A mistyped payment to a billed member of the sample billing data, and who it was meant for. */
export interface Slip {
  id: string;
  typed: string;
  payer: string;
  amount: string;
  meant: string;
  evidence: string[];
}

// The sample's accounts are dense (712345678, …679, …680 …): every slip is one keystroke from
// several billed accounts, so the name and the amount must rank the right one first.
export const SLIPS: Slip[] = [
  {
    id: "S1",
    typed: "712345474",
    payer: "ALI HASSAN",
    amount: "620.00",
    meant: "712345744",
    evidence: ["transposition", "same_name", "amount_equals_invoice"],
  },
  {
    id: "S2",
    typed: "712345394",
    payer: "O'Brien, Kathleen",
    amount: "1,250.00",
    meant: "712345694",
    evidence: ["substitution", "same_name", "amount_equals_pair"],
  },
  {
    id: "S3",
    typed: "71234818",
    payer: "JOSE MUNOZ",
    amount: "89.00",
    meant: "712345818",
    evidence: ["dropped_digit", "same_name", "amount_equals_invoice"],
  },
  {
    id: "S4",
    typed: "7123456866",
    payer: "T NGUYEN",
    amount: "89.00",
    meant: "712345686",
    evidence: ["added_digit", "initials", "amount_equals_invoice"],
  },
  {
    id: "S5",
    typed: "123-45-6789",
    payer: "Rivera, Ana",
    amount: "412.50",
    meant: "712345678",
    evidence: ["same_name", "amount_equals_invoice"],
  },
];

export function slipsCsv(dir: string): string {
  const rows = SLIPS.map((s) => `D,${s.id},PMT,03/15/2017,03/20/2017,"${s.amount}",${s.typed},"${s.payer}",,`);
  const total = SLIPS.reduce((sum, s) => sum + Math.round(Number(s.amount.replace(",", "")) * 100), 0);
  const file = path.join(dir, "slips.csv");
  writeFileSync(
    file,
    [
      "Record Type,Payment ID,Type,Send Date,Deliver Date,Amount,Payee Account,Member Name,Original Payment ID,Return Reason",
      "H,FIRST EXAMPLE BANK,FEB-20170320-09,03/20/2017,MA Health Connector",
      ...rows,
      `T,${SLIPS.length},${(total / 100).toFixed(2)}`,
      "",
    ].join("\n"),
  );
  return file;
}

/** A slip's amount in cents. */
export const slipCents = (s: Slip) => Math.round(Number(s.amount.replace(",", "")) * 100);
