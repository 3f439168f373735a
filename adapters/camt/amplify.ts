import { centsToDecimal, decimalToCents, MoneyFormatError } from "../../src/model/money";
import { FormatError } from "../../src/adapter-kit/format-error";
import { readBalance } from "./controls";
import { parseFragment } from "./fragment";
import { CAMT_MESSAGES, type CamtMessage } from "./reader";

/** `<name …>…</name>` with any namespace prefix; camt elements do not nest in themselves. */
function elementPattern(name: string): RegExp {
  return new RegExp(`<((?:[\\w.-]+:)?)${name}(?=[\\s/>])[^>]*>[\\s\\S]*?</\\1${name}\\s*>`, "g");
}

function elements(text: string, name: string): RegExpExecArray[] {
  return [...text.matchAll(elementPattern(name))];
}

/** `<name …>value</name>` with its value replaced; group 2 is the value. */
function leaf(name: string): RegExp {
  return new RegExp(`(<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>)([^<]*)(?=</)`, "g");
}

/**
 * For the conformance suite's memory test: in every notification (camt.054) or statement (camt.053),
 * the run of `Ntry` elements repeated `factor` times, each entry whole (its `NtryDtls/Btch` still
 * agrees with its own transactions), the `TxsSummry` counts and sums scaled to match, and a
 * statement's closing booked balance (CLBD) moved by the extra booked entries. The result passes
 * every control the reader checks when the sample does. Null when the sample is not of that shape.
 */
export function amplifyCamt(sample: Buffer, factor: number, message: CamtMessage): Buffer | null {
  const text = sample.toString("utf8");
  try {
    let amplified = false;
    const out = text.replace(elementPattern(CAMT_MESSAGES[message].container), (container: string) => {
      const entries = elements(container, "Ntry");
      if (!entries.length) return container;
      amplified = true;
      const first = entries[0].index;
      const last = entries.at(-1)!;
      const end = last.index + last[0].length;
      const run = container.slice(first, end);
      const separator = /\s*$/.exec(container.slice(0, first))![0];
      const head = closingBalanceMoved(scaledSummary(container.slice(0, first), factor), factor);
      return head + run + (separator + run).repeat(factor - 1) + container.slice(end);
    });
    return amplified ? Buffer.from(out, "utf8") : null;
  } catch (error) {
    // A sum with more than two decimals, a balance that does not read: not a sample to amplify.
    if (error instanceof MoneyFormatError || error instanceof FormatError) return null;
    throw error;
  }
}

/** `TxsSummry`: entry counts times `factor`; sums and net amounts (`Sum`, `TtlNetNtry/Amt`, v02 `TtlNetNtryAmt`) too. */
function scaledSummary(head: string, factor: number): string {
  const [summary] = elements(head, "TxsSummry");
  if (!summary) return head;
  const scaled = summary[0]
    .replace(leaf("NbOfNtries"), (_m, tag: string, count: string) => {
      if (!/^\s*\d+\s*$/.test(count)) throw new MoneyFormatError(count, "not a count");
      return tag + String(Number(count) * factor);
    })
    .replace(
      leaf("(?:Sum|Amt|TtlNetNtryAmt)"),
      (_m, tag: string, amount: string) => tag + centsToDecimal(decimalToCents(amount) * factor),
    );
  return head.slice(0, summary.index) + scaled + head.slice(summary.index + summary[0].length);
}

/**
 * Statement balances: opening (OPBD, else PRCD) + booked entries = closing (CLBD). With the entries
 * repeated, the booked net is `factor` times what it was, so CLBD becomes
 * opening + factor × (closing − opening), written as a magnitude with its CdtDbtInd.
 */
function closingBalanceMoved(head: string, factor: number): string {
  const balances = elements(head, "Bal").map((match) => {
    const balance = readBalance(parseFragment(match[0], 1, "Bal"), (e) => {
      throw e;
    });
    return { match, balance };
  });
  const opening = balances.find((b) => b.balance?.code === "OPBD") ?? balances.find((b) => b.balance?.code === "PRCD");
  const closing = balances.find((b) => b.balance?.code === "CLBD");
  if (!opening?.balance || !closing?.balance || opening.balance.currency !== closing.balance.currency) return head;
  const cents = opening.balance.cents + factor * (closing.balance.cents - opening.balance.cents);
  // The balance's own Amt is the one its CdtDbtInd follows (a CdtLine's Amt has none, Avlbty comes after).
  const own = /(<(?:[\w.-]+:)?Amt(?:\s[^>]*)?>)[^<]*(<\/(?:[\w.-]+:)?Amt\s*>\s*<(?:[\w.-]+:)?CdtDbtInd\s*>)[^<]*/;
  const moved = closing.match[0].replace(own, (_m, amtTag: string, between: string) => {
    return amtTag + centsToDecimal(Math.abs(cents)) + between + (cents < 0 ? "DBIT" : "CRDT");
  });
  const at = closing.match.index;
  return head.slice(0, at) + moved + head.slice(at + closing.match[0].length);
}
