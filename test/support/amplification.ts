import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ParsedItem } from "../../src/adapter-kit/adapter";
import type { FormatError } from "../../src/adapter-kit/format-error";
import type { LoadedMapping } from "../../src/config/mapping-loader";
import { SAMPLES_DIR } from "../../src/paths";
import { chunks } from "../conformance/parse-in-memory";
import { drain } from "./drain";

/** How many times the amplifier tests repeat a sample's records. */
export const FACTOR = 100;

export type Amplify = (sample: Buffer, factor: number) => Buffer | null;

/** Every item of a parse, or the FormatErrors that ended it (anything else thrown fails the test). */
export function parsed(loaded: LoadedMapping, bytes: Buffer): Promise<{ items: ParsedItem[]; errors: FormatError[] }> {
  return drain(
    loaded.adapter.parse(chunks(bytes, 16 * 1024), loaded.mapping, {
      name: "amplified",
      aggregator: loaded.aggregator,
    }),
  );
}

const count = (items: ParsedItem[], kind: ParsedItem["kind"]) => items.filter((i) => i.kind === kind).length;
const warningCodes = (items: ParsedItem[]) => new Set(items.flatMap((i) => (i.kind === "warning" ? [i.code] : [])));

/** A clean sample amplified FACTOR times: clean too, FACTOR times the records, every control agreeing, no new kind of warning. */
export async function expectCleanAmplification(
  loaded: LoadedMapping,
  sample: Buffer,
  amplify: Amplify,
): Promise<ParsedItem[]> {
  const before = await parsed(loaded, sample);
  expect(before.errors, "the sample itself").to.deep.equal([]);
  const big = amplify(sample, FACTOR);
  expect(big, "amplify gave up on the sample").to.not.equal(null);
  const after = await parsed(loaded, big!);
  expect(after.errors.map((e) => `${e.code} line ${e.line} ${e.field ?? ""}: ${e.message}`)).to.deep.equal([]);
  for (const kind of ["payment", "bank_entry"] as const) {
    expect(count(after.items, kind), `${kind} items`).to.equal(FACTOR * count(before.items, kind));
  }
  expect(
    count(before.items, "payment") + count(before.items, "bank_entry"),
    "the sample has records",
  ).to.be.greaterThan(0);
  const controls = after.items.filter((i) => i.kind === "control");
  expect(controls).to.not.be.empty;
  for (const c of controls) {
    if (c.kind !== "control") continue;
    if (c.declared.count !== null) expect(c.parsed.count, `${c.scope} count`).to.equal(c.declared.count);
    if (c.declared.totalCents !== null) expect(c.parsed.totalCents, `${c.scope} total`).to.equal(c.declared.totalCents);
  }
  expect([...warningCodes(after.items)].filter((code) => !warningCodes(before.items).has(code))).to.deep.equal([]);
  return after.items;
}

export const sampleOf = (aggregator: string, name: string) => readFileSync(path.join(SAMPLES_DIR, aggregator, name));
