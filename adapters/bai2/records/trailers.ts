import { countField, FieldCursor, requiredAmount, type FieldName } from "../fields";
import { bai2Error } from "../errors";
import type { LogicalRecord } from "../record-reader";

/** 49 account trailer. */
export interface AccountTrailer {
  accountControlTotal: number;
  numberOfRecords: number;
}

/** 98 group trailer. */
export interface GroupTrailer {
  groupControlTotal: number;
  numberOfAccounts: number;
  numberOfRecords: number;
}

/** 99 file trailer. */
export interface FileTrailer {
  fileControlTotal: number;
  numberOfGroups: number;
  numberOfRecords: number;
}

function requiredCount(c: FieldCursor, field: FieldName, what: string): number {
  const n = countField(c.next(), c.line, field);
  if (n === null) throw bai2Error("missing_field", c.line, field, { what });
  return n;
}

export function parseAccountTrailer(record: LogicalRecord): AccountTrailer {
  const c = new FieldCursor(record);
  return {
    accountControlTotal: requiredAmount(
      c.next(),
      record.line,
      "49.accountControlTotal",
      true,
      "49 account control total",
    ),
    numberOfRecords: requiredCount(c, "49.numberOfRecords", "49 number of records"),
  };
}

export function parseGroupTrailer(record: LogicalRecord): GroupTrailer {
  const c = new FieldCursor(record);
  return {
    groupControlTotal: requiredAmount(c.next(), record.line, "98.groupControlTotal", true, "98 group control total"),
    numberOfAccounts: requiredCount(c, "98.numberOfAccounts", "98 number of accounts"),
    numberOfRecords: requiredCount(c, "98.numberOfRecords", "98 number of records"),
  };
}

export function parseFileTrailer(record: LogicalRecord): FileTrailer {
  const c = new FieldCursor(record);
  return {
    fileControlTotal: requiredAmount(c.next(), record.line, "99.fileControlTotal", true, "99 file control total"),
    numberOfGroups: requiredCount(c, "99.numberOfGroups", "99 number of groups"),
    numberOfRecords: requiredCount(c, "99.numberOfRecords", "99 number of records"),
  };
}
