import type { ReturnFileBuilt, ReturnFileRequest, ReturnItem } from "../../src/adapter-kit/returns";
import { yymmddToIso } from "./fields";
import { nachaFileLines, type BatchSpec, type EntrySpec } from "./generate";
import { transactionCode } from "./transaction-codes";

/**
 * A NACHA return file for payments we received (issue 13): each original credit goes back as a
 * return entry (22 → 21, 32 → 31) with one addenda 99 naming the reason, the original trace and
 * the original receiving DFI. Batches keep the original batch's SEC code and company fields;
 * the return's sender is the original receiver and its receiver the original sender (the first
 * 8 digits of the original trace). Counts, hashes, totals and padding come from nachaFileLines.
 */

/** An original entry as the return needs it, from the stored details and record. */
interface Original {
  item: ReturnItem;
  code: string;
  trace: string;
  sec: string;
  /** The original sender's DFI: the first 8 digits of its trace. */
  senderDfi: string;
  /** The original receiving DFI; RPPS leaves it blank, and then the file's destination routing says it. */
  receiverDfi: string;
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * Fields come from the stored details, not by position from the raw record: masking an SSN-like
 * account in it changed its length. Positions 4-11 (the receiving DFI) come before any masking.
 */
function readOriginal(item: ReturnItem, destinationDfi: string): Original {
  const d = item.details;
  const code = transactionCode(text(d.transactionCode));
  if (!code || code.direction !== "credit" || code.entryClass !== "live")
    throw new Error(`payment ${item.paymentId}: transaction code ${text(d.transactionCode)} is not a live credit`);
  const trace = text(d.traceNumber);
  if (!/^\d{15}$/.test(trace)) throw new Error(`payment ${item.paymentId}: no original trace number`);
  const given = item.raw.startsWith("6") ? item.raw.slice(3, 11) : "";
  return {
    item,
    code: code.code,
    trace,
    sec: text(d.secCode) || "CIE",
    senderDfi: trace.slice(0, 8),
    receiverDfi: /^\d{8}$/.test(given) ? given : destinationDfi,
  };
}

/** 22 → 21, 32 → 31, 42 → 41: the account type's return code for a credit. */
function returnCode(original: string): string {
  const code = `${original[0]}1`;
  if (!transactionCode(code)) throw new Error(`no return code for transaction code ${original}`);
  return code;
}

function yymmdd(isoDay: string): string {
  return isoDay.slice(2).replace(/-/g, "");
}

/** One batch per original sender and company: a return batch's header repeats the original's. */
function batchKey(o: Original): string {
  const d = o.item.details;
  return JSON.stringify([o.senderDfi, o.receiverDfi, o.sec, d.companyName, d.billerId, d.entryDescription]);
}

function toEntry(o: Original): EntrySpec {
  return {
    transactionCode: returnCode(o.code),
    amountCents: o.item.amountCents,
    name: o.item.payerName ?? "",
    account: o.item.accountRaw ?? "",
    dfiAccountNumber: text(o.item.details.dfiAccount),
    returned: {
      reasonCode: o.item.reasonCode,
      originalTrace: o.trace,
      originalDfi: o.receiverDfi,
      information: o.item.information.slice(0, 44),
    },
  };
}

/** `owner` learns which payment each entry returns. */
function toBatch(group: Original[], createdOn: string, owner: Map<EntrySpec, string>): BatchSpec {
  const first = group[0];
  const d = first.item.details;
  return {
    serviceClassCode: "220",
    sec: first.sec,
    companyName: text(d.companyName),
    companyIdentification: text(d.billerId),
    companyEntryDescription: text(d.entryDescription),
    companyDescriptiveDate: yymmdd(createdOn),
    effectiveEntryDate: yymmdd(createdOn),
    originatingDfi: first.receiverDfi,
    receivingDfi: first.senderDfi,
    entries: group.map((o) => {
      const entry = toEntry(o);
      owner.set(entry, o.item.paymentId);
      return entry;
    }),
  };
}

function routing(destination: unknown): string {
  const digits = text(destination).trim();
  if (!/^\d{9}$/.test(digits)) throw new Error(`the original file's destination "${digits}" is not a routing number`);
  return digits;
}

/** A, B, … Z, then 0-9: a day's files from one origin to one destination. */
const FILE_ID_MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function buildReturnFile(req: ReturnFileRequest): ReturnFileBuilt {
  if (!yymmddToIso(yymmdd(req.createdOn))) throw new Error(`not a day: ${req.createdOn}`);
  const h = req.originalHeader;
  const destination = routing(h.immediateDestination);
  const groups = new Map<string, Original[]>();
  for (const item of req.items) {
    const o = readOriginal(item, destination.slice(0, 8));
    const key = batchKey(o);
    const group = groups.get(key);
    if (group) group.push(o);
    else groups.set(key, [o]);
  }
  const owner = new Map<EntrySpec, string>();
  const batches = [...groups.values()].map((g) => toBatch(g, req.createdOn, owner));
  const traces = new Map<string, string>();
  const totals = { entries: 0, debitCents: 0, creditCents: 0 };
  const lines = [
    ...nachaFileLines(
      {
        // Back the way it came: the original origin is now the destination.
        immediateDestination: text(h.immediateOrigin).padStart(10, " "),
        immediateOrigin: ` ${destination}`,
        immediateDestinationName: text(h.immediateOriginName),
        immediateOriginName: text(h.immediateDestinationName),
        fileCreationDate: yymmdd(req.createdOn),
        fileCreationTime: req.createdAt,
        fileIdModifier: FILE_ID_MODIFIERS[(req.fileOfDay - 1) % FILE_ID_MODIFIERS.length],
        batches,
        blankHashAndBlockCount: false,
        firstSequence: req.firstSequence,
        onTrace: (e, trace) => traces.set(owner.get(e) as string, trace),
      },
      totals,
    ),
  ];
  return { text: lines.join("\n") + "\n", traces, totalCents: totals.creditCents - totals.debitCents };
}
