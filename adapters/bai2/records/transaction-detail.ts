import { FieldCursor, requiredAmount, typeCodeField } from "../fields";
import { readFunds, type Funds } from "../funds";
import type { LogicalRecord } from "../record-reader";

/** 16 transaction detail. */
export interface TransactionDetail {
  typeCode: string;
  amountCents: number;
  funds: Funds;
  bankReference: string | null;
  customerReference: string | null;
  /** Free text, commas included, with 88 continuations joined by a blank. */
  text: string | null;
}

export function parseTransactionDetail(record: LogicalRecord): TransactionDetail {
  const c = new FieldCursor(record);
  const line = record.line;
  const typeCode = typeCodeField(c.next(), line, "16.typeCode");
  const amountCents = requiredAmount(c.next(), line, "16.amount", false, "16 amount");
  const funds = readFunds(c, "16");
  const bankReference = c.next() || null;
  const customerReference = c.next() || null;
  const text = c.rest();
  return {
    typeCode,
    amountCents,
    funds,
    bankReference,
    customerReference,
    text: text === "" || text === "/" ? null : text,
  };
}
