import { decimalToCents, MoneyFormatError } from "../../src/model";
import { FormatError } from "../../src/adapter-kit/format-error";
import { camtDay } from "./dates";
import { camtError } from "./errors";
import {
  amountAt,
  child,
  childLine,
  has,
  nodeLine,
  nodes,
  nodeText,
  parseFragment,
  text,
  texts,
  type Fragment,
  type XmlNode,
} from "./fragment";

export type CreditDebit = "CRDT" | "DBIT";

/** One `TxDtls`: a single transaction inside an entry. */
export interface CamtTransaction {
  line: number;
  /** 0-based position among the entry's transactions. */
  index: number;
  raw: string;
  node: XmlNode;
  /** Its own amount (`Amt`, else `AmtDtls/TxAmt/Amt`), null when the file gives none. */
  amountCents: number | null;
  currency: string | null;
  /** Its own `CdtDbtInd` (v04 and later), else null. */
  direction: CreditDebit | null;
  endToEndId: string | null;
  acctSvcrRef: string | null;
  txId: string | null;
  uetr: string | null;
  /** `RltdPties/Dbtr/Nm` (v02/v04) or `RltdPties/Dbtr/Pty/Nm` (v08), else the ultimate debtor. */
  debtorName: string | null;
  creditorName: string | null;
  /** Creditor postal address lines as given (`AdrLine`s, else the structured parts). */
  creditorAddress: string | null;
  ustrd: string[];
  /** `RtrInf` present: the transaction returns money. */
  isReturn: boolean;
  returnReason: string | null;
  interbankSettlementDate: string | null;
}

/** A `NtryDtls/Btch` summary with the transactions of its `NtryDtls`. */
export interface CamtBatch {
  line: number;
  /** The batch's own references (`MsgId`, `PmtInfId`): what a statement line names a batch by. */
  ref: string | null;
  declaredCount: number | null;
  declaredTotalCents: number | null;
  countLine: number;
  totalLine: number;
  transactions: CamtTransaction[];
}

/** One `Ntry`. Amounts are integer cents read from the decimal text, never through a float. */
export interface CamtEntry {
  line: number;
  raw: string;
  node: XmlNode;
  amountCents: number;
  currency: string | null;
  direction: CreditDebit;
  reversal: boolean;
  /** BOOK / PDNG / INFO (`Sts` in v02/v04, `Sts/Cd` in v08). */
  status: string | null;
  bookingDate: string | null;
  valueDate: string | null;
  ntryRef: string | null;
  acctSvcrRef: string | null;
  /** `Domn/Cd`/`Fmly/Cd`/`SubFmlyCd` joined with "/", else the proprietary code. */
  bankTxCode: string | null;
  additionalInfo: string | null;
  transactions: CamtTransaction[];
  batches: CamtBatch[];
}

/** Parses one captured `<Ntry>`; errors that do not stop reading are added to `errors`. */
export function readEntry(textOfEntry: string, line: number, errors: (e: FormatError) => void): CamtEntry {
  const f = parseFragment(textOfEntry, line, "Ntry");
  const n = f.root;
  const amount = requiredAmount(f, n, "Amt", "Ntry/Amt");
  const direction = creditDebit(f, n, "Ntry/CdtDbtInd");
  if (!direction) throw camtError("missing_field", line, "Ntry/CdtDbtInd", "an entry must say CRDT or DBIT");
  const transactions: CamtTransaction[] = [];
  const batches: CamtBatch[] = [];
  for (const details of nodes(n, "NtryDtls")) {
    const own = nodes(details, "TxDtls").map((tx, i) => readTransaction(f, tx, transactions.length + i, errors));
    transactions.push(...own);
    const btch = child(details, "Btch");
    if (btch) batches.push(readBatch(f, btch, own, errors));
  }
  return {
    line,
    raw: textOfEntry,
    node: n,
    amountCents: amount.cents,
    currency: amount.currency,
    direction,
    reversal: (text(n, "RvslInd") ?? "false").toLowerCase() === "true",
    status: text(n, "Sts", "Cd") ?? text(n, "Sts"),
    bookingDate: day(f, n, "BookgDt", errors),
    valueDate: day(f, n, "ValDt", errors),
    ntryRef: text(n, "NtryRef"),
    acctSvcrRef: text(n, "AcctSvcrRef"),
    bankTxCode: bankTxCode(child(n, "BkTxCd")),
    additionalInfo: texts(n, "AddtlNtryInf").join(" ") || null,
    transactions,
    batches,
  };
}

function readTransaction(f: Fragment, tx: XmlNode, index: number, errors: (e: FormatError) => void): CamtTransaction {
  const line = nodeLine(f, tx);
  // A transaction's amount is its money: a bad one stops the file rather than being collected.
  const own =
    optionalAmount(f, tx, ["Amt"], "TxDtls/Amt", rethrow) ??
    optionalAmount(f, tx, ["AmtDtls", "TxAmt", "Amt"], "TxDtls/AmtDtls/TxAmt/Amt", rethrow);
  const creditor = child(tx, "RltdPties", "Cdtr", "Pty") ?? child(tx, "RltdPties", "Cdtr");
  const endToEndId = text(tx, "Refs", "EndToEndId");
  const sttlm = text(tx, "RltdDts", "IntrBkSttlmDt");
  return {
    line,
    index,
    raw: nodeText(f, tx),
    node: tx,
    amountCents: own?.cents ?? null,
    currency: own?.currency ?? null,
    direction: creditDebit(f, tx, "TxDtls/CdtDbtInd"),
    endToEndId: endToEndId && endToEndId.toUpperCase() !== "NOTPROVIDED" ? endToEndId : null,
    acctSvcrRef: text(tx, "Refs", "AcctSvcrRef"),
    txId: text(tx, "Refs", "TxId"),
    uetr: text(tx, "Refs", "UETR"),
    debtorName:
      text(tx, "RltdPties", "Dbtr", "Pty", "Nm") ??
      text(tx, "RltdPties", "Dbtr", "Nm") ??
      text(tx, "RltdPties", "UltmtDbtr", "Pty", "Nm") ??
      text(tx, "RltdPties", "UltmtDbtr", "Nm"),
    creditorName: text(creditor, "Nm"),
    creditorAddress: postalAddress(child(creditor, "PstlAdr")),
    ustrd: texts(tx, "RmtInf", "Ustrd"),
    isReturn: has(tx, "RtrInf"),
    returnReason: text(tx, "RtrInf", "Rsn", "Cd") ?? text(tx, "RtrInf", "Rsn", "Prtry"),
    interbankSettlementDate: sttlm ? checkedDay(f, tx, sttlm, ["RltdDts", "IntrBkSttlmDt"], errors) : null,
  };
}

function readBatch(
  f: Fragment,
  btch: XmlNode,
  transactions: CamtTransaction[],
  errors: (e: FormatError) => void,
): CamtBatch {
  const count = text(btch, "NbOfTxs");
  const countLine = childLine(f, btch, "NbOfTxs");
  let declaredCount: number | null = null;
  if (count !== null) {
    if (/^\d{1,15}$/.test(count.trim())) declaredCount = Number(count.trim());
    else errors(camtError("invalid_value", countLine, "NtryDtls/Btch/NbOfTxs", `"${count}" is not a count`));
  }
  const total = optionalAmount(f, btch, ["TtlAmt"], "NtryDtls/Btch/TtlAmt", errors);
  return {
    line: nodeLine(f, btch),
    ref: text(btch, "PmtInfId") ?? text(btch, "MsgId"),
    declaredCount,
    declaredTotalCents: total?.cents ?? null,
    countLine,
    totalLine: childLine(f, btch, "TtlAmt"),
    transactions,
  };
}

/**
 * A transaction's money: its own amount, else (when it is the entry's only transaction) the
 * entry's, else null: several transactions without amounts cannot be told apart.
 */
export function transactionCents(
  entry: CamtEntry,
  tx: CamtTransaction,
): { cents: number; currency: string | null } | null {
  if (tx.amountCents !== null) return { cents: tx.amountCents, currency: tx.currency };
  if (entry.transactions.length === 1) return { cents: entry.amountCents, currency: entry.currency };
  return null;
}

function rethrow(error: FormatError): never {
  throw error;
}

/** Decimal text → cents, or a FormatError naming the field. */
export function camtCents(value: string, line: number, field: string): number {
  try {
    return decimalToCents(value);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw camtError("invalid_amount", line, field, `"${value}"`);
    throw error;
  }
}

function requiredAmount(
  f: Fragment,
  n: XmlNode,
  name: string,
  field: string,
): { cents: number; currency: string | null } {
  const a = amountAt(n, name);
  if (!a) throw camtError("missing_field", nodeLine(f, n), field, "no amount");
  const cents = camtCents(a.text, childLine(f, n, name), field);
  if (cents < 0)
    throw camtError(
      "invalid_amount",
      childLine(f, n, name),
      field,
      "an amount is a magnitude; CdtDbtInd gives the sign",
    );
  return { cents, currency: a.currency };
}

function optionalAmount(
  f: Fragment,
  n: XmlNode,
  path: string[],
  field: string,
  errors: (e: FormatError) => void,
): { cents: number; currency: string | null } | null {
  const a = amountAt(n, ...path);
  if (!a) return null;
  try {
    const cents = camtCents(a.text, childLine(f, n, ...path), field);
    if (cents < 0) throw camtError("invalid_amount", childLine(f, n, ...path), field, "an amount is a magnitude");
    return { cents, currency: a.currency };
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    errors(error);
    return null;
  }
}

function creditDebit(f: Fragment, n: XmlNode, field: string): CreditDebit | null {
  const v = text(n, "CdtDbtInd");
  if (v === null) return null;
  if (v === "CRDT" || v === "DBIT") return v;
  throw camtError("invalid_value", childLine(f, n, "CdtDbtInd"), field, `"${v}" is neither CRDT nor DBIT`);
}

function day(f: Fragment, n: XmlNode, name: string, errors: (e: FormatError) => void): string | null {
  const v = text(n, name, "Dt") ?? text(n, name, "DtTm");
  return v === null ? null : checkedDay(f, n, v, [name], errors);
}

function checkedDay(
  f: Fragment,
  n: XmlNode,
  value: string,
  path: string[],
  errors: (e: FormatError) => void,
): string | null {
  const d = camtDay(value);
  if (d === null) errors(camtError("invalid_date", childLine(f, n, ...path), path.join("/"), `"${value}"`));
  return d;
}

function bankTxCode(code: XmlNode | null): string | null {
  if (!code) return null;
  const domain = [text(code, "Domn", "Cd"), text(code, "Domn", "Fmly", "Cd"), text(code, "Domn", "Fmly", "SubFmlyCd")];
  if (domain.every((p) => p !== null)) return domain.join("/");
  return text(code, "Prtry", "Cd");
}

function postalAddress(adr: XmlNode | null): string | null {
  if (!adr) return null;
  const lines = texts(adr, "AdrLine");
  if (lines.length) return lines.join(", ");
  const parts = ["PstBx", "StrtNm", "BldgNb", "TwnNm", "CtrySubDvsn", "PstCd"].map((p) => text(adr, p)).filter(Boolean);
  return parts.length ? parts.join(", ") : null;
}
