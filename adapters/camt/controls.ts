import { centsToDecimal } from "../../src/model";
import { FormatError } from "../../src/adapter-kit/format-error";
import { camtError } from "./errors";
import { camtCents, transactionCents, type CamtEntry } from "./entry";
import { amountAt, child, childLine, nodeLine, text, type Fragment, type XmlNode } from "./fragment";

/** A control the file declares beside what was counted, as the adapter contract reports it. */
export interface ControlResult {
  scope: string;
  line: number;
  declared: { count: number | null; totalCents: number | null };
  parsed: { count: number | null; totalCents: number | null };
}

type Report = (e: FormatError) => void;

/** Running figures of one `Ntfctn` / `Stmt`, compared with its `TxsSummry` when it closes. */
export class EntryTotals {
  entries = 0;
  sumCents = 0;
  credits = 0;
  creditCents = 0;
  debits = 0;
  debitCents = 0;
  /** Net booked money per currency, for the statement balance check. */
  readonly bookedNet = new Map<string, number>();

  add(entry: CamtEntry): void {
    this.entries += 1;
    this.sumCents += entry.amountCents;
    if (entry.direction === "CRDT") {
      this.credits += 1;
      this.creditCents += entry.amountCents;
    } else {
      this.debits += 1;
      this.debitCents += entry.amountCents;
    }
    if (entry.status === null || entry.status === "BOOK") {
      const ccy = entry.currency ?? "";
      const signed = entry.direction === "CRDT" ? entry.amountCents : -entry.amountCents;
      this.bookedNet.set(ccy, (this.bookedNet.get(ccy) ?? 0) + signed);
    }
  }
}

/**
 * `NtryDtls/Btch`: its `NbOfTxs` and `TtlAmt` against the `TxDtls` of the same `NtryDtls`. A batch
 * that lists no transactions is a summary only and has nothing to compare.
 */
export function checkBatches(entry: CamtEntry, report: Report): ControlResult[] {
  const results: ControlResult[] = [];
  for (const batch of entry.batches) {
    if (batch.transactions.length === 0) continue;
    const count = batch.transactions.length;
    const amounts = batch.transactions.map((tx) => transactionCents(entry, tx));
    const total = amounts.every((a) => a !== null) ? amounts.reduce((s, a) => s + a!.cents, 0) : null;
    if (batch.declaredCount !== null && batch.declaredCount !== count) {
      report(
        camtError(
          "control_count_mismatch",
          batch.countLine,
          "NtryDtls/Btch/NbOfTxs",
          `the batch declares ${batch.declaredCount} transactions and lists ${count}`,
        ),
      );
    }
    if (batch.declaredTotalCents !== null && total !== null && batch.declaredTotalCents !== total) {
      report(
        camtError(
          "control_sum_mismatch",
          batch.totalLine,
          "NtryDtls/Btch/TtlAmt",
          `the batch declares ${centsToDecimal(batch.declaredTotalCents)} and its transactions sum to ${centsToDecimal(total)}`,
        ),
      );
    }
    results.push({
      scope: `Ntry@${entry.line}/NtryDtls/Btch`,
      line: batch.line,
      declared: { count: batch.declaredCount, totalCents: batch.declaredTotalCents },
      parsed: { count, totalCents: total },
    });
  }
  return results;
}

interface SummaryGroup {
  /** Element under TxsSummry. */
  name: "TtlNtries" | "TtlCdtNtries" | "TtlDbtNtries";
  count: number;
  cents: number;
}

/**
 * `TxsSummry` of a notification or statement: entry counts and sums (all, credits, debits) and the
 * net amount, each against the entries the container actually held.
 */
export function checkSummary(summary: Fragment, totals: EntryTotals, scope: string, report: Report): ControlResult[] {
  const s = summary.root;
  const results: ControlResult[] = [];
  const groups: SummaryGroup[] = [
    { name: "TtlNtries", count: totals.entries, cents: totals.sumCents },
    { name: "TtlCdtNtries", count: totals.credits, cents: totals.creditCents },
    { name: "TtlDbtNtries", count: totals.debits, cents: totals.debitCents },
  ];
  for (const g of groups) {
    const node = child(s, g.name);
    if (!node) continue;
    const field = `TxsSummry/${g.name}`;
    const declaredCount = count(summary, node, `${field}/NbOfNtries`, report);
    const sumText = text(node, "Sum");
    const declaredSum =
      sumText === null
        ? null
        : guarded(() => camtCents(sumText, childLine(summary, node, "Sum"), `${field}/Sum`), report);
    if (declaredCount !== null && declaredCount !== g.count) {
      report(
        camtError(
          "control_count_mismatch",
          childLine(summary, node, "NbOfNtries"),
          `${field}/NbOfNtries`,
          `${declaredCount} declared, ${g.count} entries in the file`,
        ),
      );
    }
    if (declaredSum !== null && declaredSum !== g.cents) {
      report(
        camtError(
          "control_sum_mismatch",
          childLine(summary, node, "Sum"),
          `${field}/Sum`,
          `${centsToDecimal(declaredSum)} declared, entries sum to ${centsToDecimal(g.cents)}`,
        ),
      );
    }
    results.push({
      scope: `${scope}/${field}`,
      line: nodeLine(summary, node),
      declared: { count: declaredCount, totalCents: declaredSum },
      parsed: { count: g.count, totalCents: g.cents },
    });
  }
  checkNet(summary, totals, report);
  return results;
}

/** v04+: `TtlNtries/TtlNetNtry/{Amt,CdtDbtInd}`; v02: `TtlNtries/{TtlNetNtryAmt,CdtDbtInd}`. */
function checkNet(summary: Fragment, totals: EntryTotals, report: Report): void {
  const all = child(summary.root, "TtlNtries");
  if (!all) return;
  const v4 = child(all, "TtlNetNtry");
  const path = v4 ? ["TtlNetNtry", "Amt"] : ["TtlNetNtryAmt"];
  const amount = amountAt(v4 ?? all, path.at(-1)!);
  if (!amount) return;
  const field = `TxsSummry/TtlNtries/${path.join("/")}`;
  const line = childLine(summary, all, ...path);
  const cents = guarded(() => camtCents(amount.text, line, field), report);
  if (cents === null) return;
  const sign = text(v4 ?? all, "CdtDbtInd") === "DBIT" ? -1 : 1;
  const net = totals.creditCents - totals.debitCents;
  if (sign * cents !== net) {
    report(
      camtError(
        "control_sum_mismatch",
        line,
        field,
        `${centsToDecimal(sign * cents)} declared, entries net to ${centsToDecimal(net)}`,
      ),
    );
  }
}

/** One `Bal` of a statement. */
interface Balance {
  code: string;
  cents: number;
  currency: string | null;
  line: number;
}

export function readBalance(bal: Fragment, report: Report): Balance | null {
  const code = text(bal.root, "Tp", "CdOrPrtry", "Cd") ?? text(bal.root, "Tp", "CdOrPrtry", "Prtry");
  const amount = amountAt(bal.root, "Amt");
  if (!code || !amount) return null;
  const cents = guarded(() => camtCents(amount.text, childLine(bal, bal.root, "Amt"), "Bal/Amt"), report);
  if (cents === null) return null;
  const sign = text(bal.root, "CdtDbtInd") === "DBIT" ? -1 : 1;
  return { code, cents: sign * cents, currency: amount.currency, line: childLine(bal, bal.root, "Amt") };
}

/**
 * Statement: opening booked balance (OPBD, else PRCD) plus booked entries equals the closing
 * booked balance (CLBD). Balances in different currencies cannot be compared: a warning says so.
 */
export function checkBalances(
  balances: Balance[],
  totals: EntryTotals,
  report: Report,
  warn: (code: string, message: string, line: number) => void,
): void {
  const opening = balances.find((b) => b.code === "OPBD") ?? balances.find((b) => b.code === "PRCD");
  const closing = balances.find((b) => b.code === "CLBD");
  if (!opening || !closing) return;
  if (opening.currency !== closing.currency) {
    warn(
      "balance_currency_mismatch",
      `opening balance in ${opening.currency ?? "?"} and closing balance in ${closing.currency ?? "?"}: not compared`,
      closing.line,
    );
    return;
  }
  const net =
    (totals.bookedNet.get(opening.currency ?? "") ?? 0) + (opening.currency ? (totals.bookedNet.get("") ?? 0) : 0);
  if (opening.cents + net !== closing.cents) {
    report(
      camtError(
        "balance_mismatch",
        closing.line,
        "Bal/Amt",
        `${opening.code} ${centsToDecimal(opening.cents)} + booked entries ${centsToDecimal(net)} = ${centsToDecimal(opening.cents + net)}, but CLBD is ${centsToDecimal(closing.cents)}`,
      ),
    );
  }
}

function count(f: Fragment, node: XmlNode, field: string, report: Report): number | null {
  const v = text(node, "NbOfNtries");
  if (v === null) return null;
  if (/^\d{1,15}$/.test(v.trim())) return Number(v.trim());
  report(camtError("invalid_value", childLine(f, node, "NbOfNtries"), field, `"${v}" is not a count`));
  return null;
}

function guarded<T>(read: () => T, report: Report): T | null {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    report(error);
    return null;
  }
}
