import type { ReturnFileBuilt, ReturnFileRequest, ReturnItem } from "../../src/adapter-kit/returns";
import { yymmddToIso } from "./fields";
import { nachaFileLines, type BatchSpec, type EntrySpec } from "./generate";
import { parseEntryDetail, type EntryDetail } from "./records/entry-detail";
import { transactionCode } from "./transaction-codes";

/**
 * A NACHA return file for payments we received (issue 13): each original credit goes back as a
 * return entry (22 → 21, 32 → 31) with one addenda 99 naming the reason, the original trace and
 * the original receiving DFI. Batches keep the original batch's SEC code and company fields;
 * the return's sender is the original receiver and its receiver the original sender (the first
 * 8 digits of the original trace). Counts, hashes, totals and padding come from nachaFileLines.
 */

/** An original entry as the return needs it, read from the stored record. */
interface Original {
  item: ReturnItem;
  entry: EntryDetail;
  sec: string;
  /** The original sender's DFI: the first 8 digits of its trace. */
  senderDfi: string;
  /** The original receiving DFI; RPPS leaves it blank, and then the file's destination routing says it. */
  receiverDfi: string;
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");

function readOriginal(item: ReturnItem, destinationDfi: string): Original {
  const sec = text(item.details.secCode) || "CIE";
  const line = item.raw.split(/\r?\n/)[0] ?? "";
  if (line.length < 94 || line[0] !== "6") throw new Error(`payment ${item.paymentId}: stored record is not an entry`);
  const entry = parseEntryDetail(line, 1, sec === "CIE" ? "cie" : "standard");
  const code = entry.code;
  if (!code || code.direction !== "credit" || code.entryClass !== "live")
    throw new Error(`payment ${item.paymentId}: transaction code ${entry.transactionCode} is not a live credit`);
  if (entry.amountCents !== item.amountCents)
    throw new Error(`payment ${item.paymentId}: stored record's amount differs from the payment's`);
  const given = entry.receivingDfi.trim();
  return { item, entry, sec, senderDfi: entry.traceNumber.slice(0, 8), receiverDfi: given || destinationDfi };
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
  const e = o.entry;
  return {
    transactionCode: returnCode(e.transactionCode),
    amountCents: e.amountCents ?? 0,
    name: e.individualName,
    account: e.identification,
    dfiAccountNumber: e.dfiAccountNumber,
    returned: {
      reasonCode: o.item.reasonCode,
      originalTrace: e.traceNumber,
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

export function buildReturnFile(req: ReturnFileRequest): ReturnFileBuilt {
  if (!yymmddToIso(yymmdd(req.createdOn))) throw new Error(`not a day: ${req.createdOn}`);
  const h = req.originalHeader;
  const destination = routing(h.immediateDestination);
  const groups = new Map<string, Original[]>();
  for (const item of req.items) {
    const o = readOriginal(item, destination.slice(0, 8));
    const key = batchKey(o);
    groups.set(key, [...(groups.get(key) ?? []), o]);
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
        fileIdModifier: "A",
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
