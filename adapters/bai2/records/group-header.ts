import { FieldCursor, requiredDate } from "../fields";
import type { LogicalRecord } from "../record-reader";

/** 02 group header: one bank's report for one as-of date. */
export interface GroupHeader {
  ultimateReceiverId: string;
  originatorId: string;
  /** 1 update, 2 deletion, 3 correction, 4 test only. */
  groupStatus: string;
  asOfDate: string;
  asOfTime: string | null;
  currency: string | null;
  /** 1 interim previous-day, 2 final previous-day, 3 interim same-day, 4 final same-day. */
  asOfDateModifier: string | null;
}

export function parseGroupHeader(record: LogicalRecord): GroupHeader {
  const c = new FieldCursor(record);
  return {
    ultimateReceiverId: c.next() ?? "",
    originatorId: c.next() ?? "",
    groupStatus: c.next() ?? "",
    asOfDate: requiredDate(c.next(), record.line, "02.asOfDate", "02 as-of date"),
    asOfTime: c.next() || null,
    currency: c.next() || null,
    asOfDateModifier: c.next() || null,
  };
}
