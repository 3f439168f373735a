import type { FamilyConformanceHooks } from "../../src/adapter-kit/conformance-hooks";
/**
 * For the conformance suite's memory test: each group (02 through 98) repeated `factor` times and
 * the 99 trailer scaled to match. Assumes one record per line, as in the project's samples.
 */
export function amplify(sample: Buffer, factor: number): Buffer | null {
  const text = sample.toString("latin1");
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(eol).filter((l) => l.trim() !== "");
  const first = lines.findIndex((l) => l.startsWith("02,"));
  const last = lines.findLastIndex((l) => l.startsWith("98,"));
  const trailer = lines.at(-1);
  if (first !== 1 || last !== lines.length - 2 || !trailer?.startsWith("99,")) return null;
  const [, total, groups, records] = trailer.replace(/\/\s*$/, "").split(",");
  const body = lines.slice(first, last + 1);
  const out = [lines[0]];
  for (let i = 0; i < factor; i++) out.push(...body);
  out.push(`99,${BigInt(total) * BigInt(factor)},${Number(groups) * factor},${(Number(records) - 2) * factor + 2}/`);
  return Buffer.from(`${out.join(eol)}${eol}`, "latin1");
}

export const noReversals =
  "a returned lockbox check arrives as a 555 debit, which this adapter keeps as a bank entry (reconciled against the payments it undoes), not as a member payment of kind return";

export const conformanceHooks: FamilyConformanceHooks = { bai2: { amplify, noReversals } };
