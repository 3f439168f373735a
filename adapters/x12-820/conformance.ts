import type { FamilyConformanceHooks } from "../../src/adapter-kit/conformance-hooks";
import { readDelimiters } from "./delimiters";
import { centsToDecimal, decimalToCents } from "../../src/model/money";

/**
 * For the conformance suite's memory test: each transaction set with its detail loops (from the
 * first ENT to SE) repeated `factor` times, BPR02 and SE01 scaled to match, so that one 820 holds
 * many RMRs and must stream. Assumes every ADX sits inside those loops, as in the samples.
 */
export function amplify(sample: Buffer, factor: number): Buffer | null {
  const text = sample.toString("latin1");
  const start = text.search(/ISA/);
  if (start < 0) return null;
  const d = readDelimiters(text.slice(start, start + 106));
  const pieces = text.slice(start + 106).split(d.segment);
  const out: string[] = [];
  let detail: string[] | null = null;
  let inSet = false;
  const tagOf = (piece: string) => piece.trim().split(d.element)[0];
  for (const piece of pieces) {
    const tag = tagOf(piece);
    if (tag === "ST") inSet = true;
    if (inSet && tag === "ENT" && !detail) detail = [];
    if (tag === "SE" && detail) {
      for (let i = 1; i < factor; i++) out.push(...detail);
      const elements = piece.split(d.element);
      elements[1] = String(Number(elements[1]) + (factor - 1) * detail.length);
      out.push(elements.join(d.element));
      detail = null;
      inSet = false;
      continue;
    }
    if (tag === "BPR") {
      const elements = piece.split(d.element);
      elements[2] = centsToDecimal(decimalToCents(elements[2]) * factor);
      out.push(elements.join(d.element));
    } else {
      out.push(piece);
    }
    if (detail) detail.push(piece);
  }
  return Buffer.from(text.slice(0, start + 106) + out.join(d.segment), "latin1");
}

export const conformanceHooks: FamilyConformanceHooks = { "x12-820": { amplify } };
