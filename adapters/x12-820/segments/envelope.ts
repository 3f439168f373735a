import { x12Error } from "../errors";
import { element, type X12Segment } from "../segment-reader";
import { fieldName, x12Date } from "../values";

/** ISA: interchange control header (fixed width; values trimmed). */
export interface Isa {
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA09 YYMMDD as a date. */
  date: string;
  time: string;
  versionNumber: string;
  controlNumber: string;
  usage: string;
}

export function parseIsa(s: X12Segment): Isa {
  return {
    senderQualifier: element(s, 5).trim(),
    senderId: element(s, 6).trim(),
    receiverQualifier: element(s, 7).trim(),
    receiverId: element(s, 8).trim(),
    date: x12Date(element(s, 9), s, 9),
    time: element(s, 10).trim(),
    versionNumber: element(s, 12).trim(),
    controlNumber: required(s, 13, "ISA13 interchange control number"),
    usage: element(s, 15).trim(),
  };
}

/** GS: functional group header. */
export interface Gs {
  functionalId: string;
  senderCode: string;
  receiverCode: string;
  date: string;
  time: string;
  controlNumber: string;
  agency: string;
  version: string;
}

export function parseGs(s: X12Segment): Gs {
  return {
    functionalId: element(s, 1).trim(),
    senderCode: element(s, 2).trim(),
    receiverCode: element(s, 3).trim(),
    date: x12Date(element(s, 4), s, 4),
    time: element(s, 5).trim(),
    controlNumber: required(s, 6, "GS06 group control number"),
    agency: element(s, 7).trim(),
    version: required(s, 8, "GS08 version"),
  };
}

/** ST: transaction set header (ST03 exists from 005010 on). */
export interface St {
  setId: string;
  controlNumber: string;
  conventionReference: string | null;
}

export function parseSt(s: X12Segment): St {
  return {
    setId: required(s, 1, "ST01 transaction set identifier"),
    controlNumber: required(s, 2, "ST02 transaction set control number"),
    conventionReference: element(s, 3).trim() || null,
  };
}

/** SE, GE and IEA all carry a count and the control number of their header. */
export interface Trailer {
  count: string;
  controlNumber: string;
}

export function parseTrailer(s: X12Segment): Trailer {
  return { count: element(s, 1).trim(), controlNumber: element(s, 2).trim() };
}

function required(s: X12Segment, n: number, what: string): string {
  const value = element(s, n).trim();
  if (value === "") throw x12Error("missing_element", s, fieldName(s, n), { what });
  return value;
}
