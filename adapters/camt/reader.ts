import { asFormatErrors, ErrorCollector, type FormatError } from "../../src/adapter-kit/format-error";
import { checkBalances, checkBatches, checkSummary, EntryTotals, readBalance, type ControlResult } from "./controls";
import { readEntry, transactionCents, type CamtEntry } from "./entry";
import { camtError } from "./errors";
import { parseFragment, text, type Fragment } from "./fragment";
import type { XmlLimits } from "./limits";
import { splitXml, type XmlEvent } from "./xml-splitter";

/** The camt messages this reader knows, by their ISO 20022 number. */
export const CAMT_MESSAGES = {
  "camt.053": { element: "BkToCstmrStmt", container: "Stmt", adapter: "camt053" },
  "camt.054": { element: "BkToCstmrDbtCdtNtfctn", container: "Ntfctn", adapter: "camt054" },
} as const;
export type CamtMessage = keyof typeof CAMT_MESSAGES;

export interface CamtReadOptions {
  message: CamtMessage;
  /** Accepted versions, e.g. "001.02"; the document's namespace names its version. */
  versions: readonly string[];
  limits: XmlLimits;
  /** Entry statuses (`Sts`) the mapping counts as money; any other entry is a warning, not an entry item. */
  statuses: readonly string[];
  /** Statements: opening balance + booked entries = closing balance. */
  checkBalances?: boolean;
}

/** Where an entry sits: the notification or statement that holds it. */
export interface CamtContainer {
  /** 1-based position in the document. */
  index: number;
  line: number;
  id: string | null;
  /** The account the notification or statement is about (IBAN or other id). */
  account: string | null;
}

export type CamtItem =
  | { kind: "header"; line: number; identity: string | null; info: Record<string, unknown> }
  | { kind: "entry"; entry: CamtEntry; container: CamtContainer; version: string }
  | ({ kind: "control" } & ControlResult)
  | { kind: "warning"; code: string; message: string; line: number; field: string | null };

const NAMESPACE = /xmlns(?::[\w.-]+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3})\.(\d{3}\.\d{2})["']/;

/**
 * Reads a camt.053 or camt.054 document as a stream of entries. The document is split at entry
 * boundaries (see xml-splitter.ts) and each `Ntry` parsed alone, so memory holds one entry at a
 * time, never the file. Control totals (`TxsSummry`, `NtryDtls/Btch`, statement balances) are
 * compared as entries pass; every mismatch is collected and thrown together as FormatErrors when
 * the document ends, so the caller, which posts a file in one transaction, stores none of it.
 */
export async function* readCamt(
  input: AsyncIterable<Buffer | string>,
  options: CamtReadOptions,
): AsyncGenerator<CamtItem> {
  const collector = new ErrorCollector();
  try {
    yield* readDocument(input, options, collector);
  } catch (error) {
    // A defect that stops reading comes after any control mismatch already found: report them all.
    const fatal = asFormatErrors(error);
    if (!fatal || !collector.any) throw error;
    fatal.forEach((e) => collector.add(e));
  }
  collector.throwIfAny();
}

async function* readDocument(
  input: AsyncIterable<Buffer | string>,
  options: CamtReadOptions,
  collector: ErrorCollector,
): AsyncGenerator<CamtItem> {
  const reader = new DocumentReader(options, collector);
  for await (const event of splitXml(input, { limits: options.limits, capture: (path) => reader.captures(path) })) {
    yield* reader.event(event);
  }
  reader.end();
}

type OpenEvent = Extract<XmlEvent, { type: "open" }>;
type ElementEvent = Extract<XmlEvent, { type: "element" }>;
type CloseEvent = Extract<XmlEvent, { type: "close" }>;

/** A notification or statement being read, with what its summary and balances are checked against. */
interface OpenContainer {
  info: CamtContainer;
  totals: EntryTotals;
  summary: Fragment | null;
  balances: ReturnType<typeof readBalance>[];
}

/**
 * The document state machine, fed one splitter event at a time: the message version, and the
 * container (Ntfctn or Stmt) open with the running totals of its entries. The methods that emit
 * are generators: an item is yielded the moment it exists, so a check that fails after it cannot
 * hold back an item the caller would have had.
 */
class DocumentReader {
  private readonly spec: (typeof CAMT_MESSAGES)[CamtMessage];
  private version = "";
  private containers = 0;
  private current: OpenContainer | null = null;
  /** Where the control checks put what they find: the file is rejected at the end, not at the first. */
  private readonly report = (e: FormatError): void => this.collector.add(e);

  constructor(
    private readonly options: CamtReadOptions,
    private readonly collector: ErrorCollector,
  ) {
    this.spec = CAMT_MESSAGES[options.message];
  }

  /** The elements read whole: the container's children, and the blocks beside the containers (GrpHdr). */
  captures(path: readonly string[]): boolean {
    const container = this.spec.container;
    return (path.length === 3 && path[2] !== container) || (path.length === 4 && path[2] === container);
  }

  *event(event: XmlEvent): Generator<CamtItem> {
    switch (event.type) {
      case "open":
        return this.open(event);
      case "element":
        return yield* this.element(event);
      case "close":
        return yield* this.close(event);
    }
  }

  /** Call after the last event: a document without a single container has nothing to read. */
  end(): void {
    const container = this.spec.container;
    if (this.containers === 0) throw camtError("missing_field", 0, container, `the document holds no ${container}`);
  }

  private open(event: OpenEvent): void {
    if (event.path.length === 1) this.version = checkRoot(event, this.options);
    else if (event.path.length === 2) checkMessage(event, this.options.message);
    else if (event.path.length === 3) {
      this.containers += 1;
      this.current = {
        info: { index: this.containers, line: event.line, id: null, account: null },
        totals: new EntryTotals(),
        summary: null,
        balances: [],
      };
    }
  }

  private *element(event: ElementEvent): Generator<CamtItem> {
    const name = event.path.at(-1)!;
    if (event.path.length === 3) {
      if (name === "GrpHdr") yield header(event, this.options.message, this.version);
      return;
    }
    const current = this.current;
    if (!current) return;
    switch (name) {
      case "Ntry":
        return yield* this.entry(event, current);
      case "TxsSummry":
        current.summary = parseFragment(event.text, event.line, name);
        return;
      case "Bal":
        current.balances.push(readBalance(parseFragment(event.text, event.line, name), this.report));
        return;
      case "Acct": {
        const acct = parseFragment(event.text, event.line, name).root;
        current.info.account = text(acct, "Id", "IBAN") ?? text(acct, "Id", "Othr", "Id");
        return;
      }
      case "Id":
        current.info.id = event.text.replace(/<[^>]*>/g, "").trim() || null;
        return;
    }
  }

  private *entry(event: ElementEvent, current: OpenContainer): Generator<CamtItem> {
    const entry = readEntry(event.text, event.line, this.report);
    current.totals.add(entry);
    for (const control of checkBatches(entry, this.report)) yield { kind: "control", ...control };
    const warning = entryAmountWarning(entry);
    if (warning) yield warning;
    const status = entry.status ?? "BOOK";
    if (this.options.statuses.includes(status))
      yield { kind: "entry", entry, container: current.info, version: this.version };
    else {
      const message = `entry status ${status} is not counted as money by this mapping`;
      yield { kind: "warning", code: "entry_not_counted", message, line: entry.line, field: "Ntry/Sts" };
    }
  }

  /** The container ends: its entries are now all counted, so its summary and balances can be checked. */
  private *close(event: CloseEvent): Generator<CamtItem> {
    const current = this.current;
    if (event.path.length !== 3 || !current) return;
    const scope = `${this.spec.container}[${current.info.index}]`;
    if (current.summary) {
      for (const control of checkSummary(current.summary, current.totals, scope, this.report))
        yield { kind: "control", ...control };
    }
    if (this.options.checkBalances) {
      const warnings: CamtItem[] = [];
      const balances = current.balances.filter((b) => b !== null);
      checkBalances(balances, current.totals, this.report, (code, message, line) =>
        warnings.push({ kind: "warning", code, message, line, field: "Bal" }),
      );
      yield* warnings;
    }
    this.current = null;
  }
}

function checkRoot(event: Extract<XmlEvent, { type: "open" }>, options: CamtReadOptions): string {
  if (event.path[0] !== "Document") {
    throw camtError(
      "wrong_message",
      event.line,
      event.path[0],
      `the root element is <${event.path[0]}>, not <Document>`,
    );
  }
  const ns = NAMESPACE.exec(event.tag);
  if (!ns) throw camtError("unsupported_version", event.line, "Document/@xmlns", "no ISO 20022 camt namespace");
  if (ns[1] !== options.message) {
    const other = CAMT_MESSAGES[ns[1] as CamtMessage];
    throw camtError(
      "wrong_message",
      event.line,
      "Document/@xmlns",
      `this is a ${ns[1]} document${other ? `; read it with the ${other.adapter} adapter` : ""}, not ${options.message}`,
    );
  }
  if (!options.versions.includes(ns[2])) {
    throw camtError(
      "unsupported_version",
      event.line,
      "Document/@xmlns",
      `${ns[1]}.${ns[2]}; accepted: ${options.versions.join(", ")}`,
    );
  }
  return ns[2];
}

function checkMessage(event: Extract<XmlEvent, { type: "open" }>, message: CamtMessage): void {
  const expected = CAMT_MESSAGES[message].element;
  if (event.path[1] !== expected) {
    throw camtError("wrong_message", event.line, `Document/${event.path[1]}`, `expected <${expected}> for ${message}`);
  }
}

function header(event: Extract<XmlEvent, { type: "element" }>, message: CamtMessage, version: string): CamtItem {
  const grp = parseFragment(event.text, event.line, "GrpHdr").root;
  const msgId = text(grp, "MsgId");
  const created = text(grp, "CreDtTm");
  return {
    kind: "header",
    line: event.line,
    // A bank's MsgId is unique per message it sends; with the creation time it names a resend.
    identity: msgId ? `${message}.${version}/${msgId}/${created ?? ""}` : null,
    info: { message: `${message}.${version}`, msgId, createdAt: created },
  };
}

/**
 * An entry whose transactions all carry amounts in its own currency should add up to it. Banks
 * net charges differently, so a difference is reported, not rejected.
 */
function entryAmountWarning(entry: CamtEntry): CamtItem | null {
  if (entry.transactions.length < 2) return null;
  const amounts = entry.transactions.map((tx) => transactionCents(entry, tx));
  if (amounts.some((a) => a === null || a.currency !== entry.currency)) return null;
  const sum = amounts.reduce((s, a) => s + a!.cents, 0);
  if (sum === entry.amountCents) return null;
  return {
    kind: "warning",
    code: "entry_amount_mismatch",
    message: `the entry amount differs from the sum of its ${entry.transactions.length} transactions`,
    line: entry.line,
    field: "Ntry/Amt",
  };
}
