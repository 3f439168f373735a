import type { FormatError } from "../../../src/adapter-kit/format-error";
import { invalidField } from "../errors";
import { cut, field, hhmmToTime, isBlank, isDigits, zeroPad, padText, text, yymmddToIso } from "../fields";
import type { NachaProfile } from "../profile";

/** File header, record type 1. */
export const FILE_HEADER = {
  priorityCode: field("priorityCode", 2, 3),
  immediateDestination: field("immediateDestination", 4, 13),
  immediateOrigin: field("immediateOrigin", 14, 23),
  fileCreationDate: field("fileCreationDate", 24, 29),
  fileCreationTime: field("fileCreationTime", 30, 33),
  fileIdModifier: field("fileIdModifier", 34, 34),
  recordSize: field("recordSize", 35, 37),
  blockingFactor: field("blockingFactor", 38, 39),
  formatCode: field("formatCode", 40, 40),
  immediateDestinationName: field("immediateDestinationName", 41, 63),
  immediateOriginName: field("immediateOriginName", 64, 86),
  referenceCode: field("referenceCode", 87, 94),
} as const;

export interface FileHeader {
  priorityCode: string;
  /** Trimmed: a blank and a 9-digit routing number, or a 10-character id. */
  immediateDestination: string;
  immediateOrigin: string;
  /** YYMMDD as written. */
  fileCreationDate: string;
  /** ISO day, or null when fileCreationDate is not a date. */
  creationDay: string | null;
  /** HHMM as written (optional in NACHA: may be blank). */
  fileCreationTime: string;
  fileIdModifier: string;
  recordSize: string;
  blockingFactor: string;
  formatCode: string;
  immediateDestinationName: string;
  immediateOriginName: string;
  referenceCode: string;
  raw: string;
}

export function parseFileHeader(line: string, _lineNo: number): FileHeader {
  const f = FILE_HEADER;
  const date = cut(line, f.fileCreationDate);
  return {
    priorityCode: cut(line, f.priorityCode),
    immediateDestination: cut(line, f.immediateDestination).trim(),
    immediateOrigin: cut(line, f.immediateOrigin).trim(),
    fileCreationDate: date,
    creationDay: yymmddToIso(date),
    fileCreationTime: cut(line, f.fileCreationTime),
    fileIdModifier: cut(line, f.fileIdModifier),
    recordSize: cut(line, f.recordSize),
    blockingFactor: cut(line, f.blockingFactor),
    formatCode: cut(line, f.formatCode),
    immediateDestinationName: text(cut(line, f.immediateDestinationName)),
    immediateOriginName: text(cut(line, f.immediateOriginName)),
    referenceCode: text(cut(line, f.referenceCode)),
    raw: line,
  };
}

export function validateFileHeader(h: FileHeader, profile: NachaProfile, lineNo: number): FormatError[] {
  const f = FILE_HEADER;
  const errors: FormatError[] = [];
  if (h.priorityCode !== "01") errors.push(invalidField(lineNo, f.priorityCode, '"01"', h.priorityCode));
  if (!isDigits(h.immediateDestination) || h.immediateDestination.length < 9) {
    errors.push(invalidField(lineNo, f.immediateDestination, "a routing number", h.immediateDestination));
  }
  if (h.immediateOrigin === "") errors.push(invalidField(lineNo, f.immediateOrigin, "given", null));
  if (h.creationDay === null)
    errors.push(invalidField(lineNo, f.fileCreationDate, "a date YYMMDD", h.fileCreationDate));
  if (!isBlank(h.fileCreationTime) && hhmmToTime(h.fileCreationTime) === null) {
    errors.push(invalidField(lineNo, f.fileCreationTime, "a time HHMM", h.fileCreationTime));
  }
  const modifierOk =
    /^[A-Z0-9]$/.test(h.fileIdModifier) || (profile.allowBlankFileIdModifier && h.fileIdModifier === " ");
  if (!modifierOk) errors.push(invalidField(lineNo, f.fileIdModifier, "A-Z or 0-9", h.fileIdModifier));
  if (h.recordSize !== "094") errors.push(invalidField(lineNo, f.recordSize, '"094"', h.recordSize));
  if (h.blockingFactor !== "10") errors.push(invalidField(lineNo, f.blockingFactor, '"10"', h.blockingFactor));
  if (h.formatCode !== "1") errors.push(invalidField(lineNo, f.formatCode, '"1"', h.formatCode));
  return errors;
}

/** The file's own duplicate key (FORMATS.md §1): origin + creation date + time + modifier. */
export function fileIdentity(h: FileHeader): string {
  return [h.immediateOrigin, h.fileCreationDate, h.fileCreationTime.trim(), h.fileIdModifier.trim()].join("|");
}

export interface FileHeaderInput {
  /** As the field holds it: " " + a 9-digit routing number, or 10 characters. */
  immediateDestination: string;
  immediateOrigin: string;
  fileCreationDate: string;
  fileCreationTime: string;
  fileIdModifier: string;
  immediateDestinationName: string;
  immediateOriginName: string;
  referenceCode?: string;
}

export function formatFileHeader(h: FileHeaderInput): string {
  return (
    "101" +
    padText(h.immediateDestination, 10) +
    padText(h.immediateOrigin, 10) +
    zeroPad(h.fileCreationDate, 6) +
    padText(h.fileCreationTime, 4) +
    padText(h.fileIdModifier, 1) +
    "094101" +
    padText(h.immediateDestinationName, 23) +
    padText(h.immediateOriginName, 23) +
    padText(h.referenceCode ?? "", 8)
  );
}
