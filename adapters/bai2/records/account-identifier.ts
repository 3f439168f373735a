import { bai2Error } from "../errors";
import { amountField, countField, FieldCursor, typeCodeField } from "../fields";
import { readFunds, type Funds } from "../funds";
import type { LogicalRecord } from "../record-reader";

/** One status or summary amount of an 03 record. */
export interface AccountSummary {
  typeCode: string;
  amountCents: number | null;
  itemCount: number | null;
  funds: Funds;
}

/** 03 account identifier and summary/status amounts. */
export interface AccountIdentifier {
  accountNumber: string;
  currency: string | null;
  summaries: AccountSummary[];
}

export function parseAccountIdentifier(record: LogicalRecord): AccountIdentifier {
  const c = new FieldCursor(record);
  const line = record.line;
  const accountNumber = c.next() ?? "";
  if (accountNumber === "")
    throw bai2Error("missing_field", line, "03.accountNumber", { what: "03 customer account number" });
  const currency = c.next() || null;
  const summaries: AccountSummary[] = [];
  while (!c.exhausted) {
    const code = c.next() ?? "";
    const amount = c.next();
    const itemCount = countField(c.next(), line, "03.itemCount");
    const funds = readFunds(c, "03");
    // Some banks send an empty type-code group (",,,,") before the status amounts.
    if (code === "" && (amount ?? "") === "") continue;
    summaries.push({
      typeCode: typeCodeField(code, line, "03.typeCode"),
      amountCents: amountField(amount, line, "03.amount", true),
      itemCount,
      funds,
    });
  }
  return { accountNumber, currency, summaries };
}
