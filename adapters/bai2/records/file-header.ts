import { bai2Error } from "../errors";
import { FieldCursor, requiredDate } from "../fields";
import type { LogicalRecord } from "../record-reader";

/** 01 file header. */
export interface FileHeader {
  senderId: string;
  receiverId: string;
  creationDate: string;
  creationTime: string | null;
  fileId: string;
  physicalRecordLength: string | null;
  blockSize: string | null;
  version: string;
}

export function parseFileHeader(record: LogicalRecord): FileHeader {
  const c = new FieldCursor(record);
  const line = record.line;
  const header: FileHeader = {
    senderId: c.next() ?? "",
    receiverId: c.next() ?? "",
    creationDate: requiredDate(c.next(), line, "01.fileCreationDate", "01 file creation date"),
    creationTime: c.next() || null,
    fileId: c.next() ?? "",
    physicalRecordLength: c.next() || null,
    blockSize: c.next() || null,
    version: c.next() ?? "",
  };
  if (header.version !== "2")
    throw bai2Error("unsupported_version", line, "01.versionNumber", { value: header.version });
  return header;
}

/** The file's own duplicate key: sender, receiver, creation date and time, file id. */
export function fileIdentity(h: FileHeader): string {
  return [h.senderId, h.receiverId, h.creationDate, h.creationTime ?? "", h.fileId].join("|");
}
