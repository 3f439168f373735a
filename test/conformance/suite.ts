import { expect } from "chai";
import fc from "fast-check";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { dryRun, type DryRunResult } from "../../src/ingest/dry-run";
import { loadAggregatorMapping, type LoadedMapping } from "../../src/config/mapping-loader";
import { ingestFile } from "../../src/ingest/pipeline";
import type { ConformanceHooks } from "../../src/adapter-kit/conformance-hooks";
import { allFamilies, conformanceHooksFor } from "../../src/config/adapter-registry";
import { MAPPINGS_DIR, SAMPLES_DIR } from "../../src/paths";
import { freshDatabase, type TestDatabase } from "../support/database";
import { goldenOf, sampleFiles, type SampleFile } from "../support/goldens";
import { retainedHeap } from "./heap";
import { chunks, parseBytes, type Outcome } from "./parse-in-memory";

/**
 * The one conformance suite every aggregator passes (ARCHITECTURE.md): goldens, control totals,
 * bad input gives FormatError and never a crash, streaming, duplicates. `describeConformance(id)`
 * runs it for one aggregator (mappings/<id>.yaml + sample-files/<id>/); all.test.ts runs it for
 * every aggregator found, and `billpay adapter new` scaffolds a test that calls it.
 *
 * A family may help through adapters/<family>/conformance.ts (see ConformanceHooks).
 */

/** Generated cases per property; together at least 1,000 per aggregator. */
export const RUNS = { truncated: 300, flipped: 400, random: 300 } as const;
/** The memory test's file is at least 100× the sample and at least 2 MiB, so that holding it would show. */
const AMPLIFY = 100;
const AMPLIFIED_MIN_BYTES = 2 * 1024 * 1024;

/** Aggregators with both a mapping and a sample folder. */
export function conformingAggregators(): string[] {
  if (!existsSync(SAMPLES_DIR)) return [];
  return readdirSync(SAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(MAPPINGS_DIR, `${d.name}.yaml`)))
    .map((d) => d.name)
    .sort();
}

/** An aggregator whose engineer runs the suite from adapters/<family>/test/<id>.conformance.test.ts. */
export function hasOwnConformanceTest(aggregator: string): boolean {
  return allFamilies().some((family) => existsSync(path.join(family.dir, "test", `${aggregator}.conformance.test.ts`)));
}

/** The adapter id a mapping names, read without validating the mapping (that is a test of its own). */
function adapterOf(aggregator: string): string {
  try {
    const doc = parseYaml(readFileSync(path.join(MAPPINGS_DIR, `${aggregator}.yaml`), "utf8")) as { adapter?: unknown };
    return typeof doc?.adapter === "string" ? doc.adapter : aggregator;
  } catch {
    return aggregator;
  }
}

export function hooksFor(adapterId: string): ConformanceHooks {
  try {
    return conformanceHooksFor(adapterId);
  } catch {
    return {}; // an unknown adapter id fails the suite's mapping test, with its own message
  }
}

export function describeConformance(aggregator: string): void {
  describe(`conformance: ${aggregator}`, function () {
    const samples = sampleFiles(aggregator);
    // Read now (not in a hook) so that a skipped test can say why in its title.
    const hooks = hooksFor(adapterOf(aggregator));
    let loaded: LoadedMapping;
    let results: Map<string, DryRunResult>;
    /** The seed of the generated cases: the smallest clean sample that has records (else the smallest clean one). */
    let seed: { file: string; bytes: Buffer; payments: number; records: number } | null;

    before(async function () {
      loaded = loadAggregatorMapping(aggregator);
      results = new Map();
      seed = null;
      for (const sample of samples) {
        const result = await dryRun(sample.file, loaded);
        results.set(sample.file, result);
        const bytes = readFileSync(sample.file);
        const records = (result.summary?.payments ?? 0) + (result.summary?.bankEntries ?? 0);
        if (
          result.status === "ok" &&
          (!seed || preferredSeed({ records, size: bytes.length }, { records: seed.records, size: seed.bytes.length }))
        ) {
          seed = { file: sample.file, bytes, payments: result.summary?.payments ?? 0, records };
        }
      }
    });

    it("has sample files, at least one of which parses cleanly", () => {
      expect(samples.length, `no files in sample-files/${aggregator}/`).to.be.greaterThan(0);
      expect(seed, "every sample file is rejected; add a normal day file").to.not.equal(null);
    });

    for (const sample of samples) goldenTest(aggregator, sample);

    it("declares control totals that equal what was parsed, in every file that parses", () => {
      for (const [file, result] of results) {
        if (result.status !== "ok") continue;
        const controls = result.summary?.controls ?? [];
        expect(controls, `${path.basename(file)} reports no control records`).to.not.be.empty;
        for (const c of controls) {
          const where = `${path.basename(file)} line ${c.line} (${c.scope})`;
          if (c.declaredCount !== null) expect(c.parsedCount, `${where}: count`).to.equal(c.declaredCount);
          if (c.declaredTotalCents !== null)
            expect(c.parsedTotalCents, `${where}: total`).to.equal(c.declaredTotalCents);
        }
      }
    });

    const reversalTitle = hooks.noReversals
      ? `needs no reversal or return in its samples: ${hooks.noReversals}`
      : "shows a reversal or return in its sample set";
    it(`${reversalTitle} (skipped when the samples hold no member payments, as statements)`, function () {
      if (hooks.noReversals) this.skip();
      const payments = allPayments(results);
      if (!payments.length) this.skip(); // statement formats (bank entries only) carry no member payments
      expect(
        payments.some((p) => p.kind === "reversal" || p.kind === "return"),
        "no reversal or return in the samples",
      ).to.equal(true);
    });

    it("shows an account number typed with blanks or dashes in its sample set (skipped when the samples hold no member payments)", function () {
      const payments = allPayments(results);
      if (!payments.length) this.skip();
      const typed = payments.filter((p) => p.accountRaw !== null && /\d[\s-]+\d/.test(p.accountRaw));
      expect(typed, "no accountRaw with blanks or dashes in the samples").to.not.be.empty;
      expect(
        typed.some((p) => p.accountStatus === "repaired"),
        "the typed account was not repaired",
      ).to.equal(true);
    });

    it("rejects an empty file with a FormatError (or warns), never a crash", async () => {
      expectRejected(await parseBytes(loaded, Buffer.alloc(0)), "empty file");
    });

    it(`rejects a truncated file with a FormatError (or warns), never a crash (${RUNS.truncated} cases)`, async () => {
      const bytes = seedBytes();
      // Cut within the first 40%: past any padding a format allows to be missing (NACHA's 9s).
      const upTo = Math.max(1, Math.floor(bytes.length * 0.4));
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: upTo }), async (cut) => {
          expectRejected(await parseBytes(loaded, bytes.subarray(0, cut)), `truncated at byte ${cut}`);
        }),
        { numRuns: RUNS.truncated },
      );
    });

    it(`parses a file with one flipped byte or rejects it with a FormatError, never a crash (${RUNS.flipped} cases)`, async () => {
      const bytes = seedBytes();
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
          const flipped = Buffer.from(bytes);
          flipped[at] ^= mask;
          const outcome = await parseBytes(loaded, flipped, 97);
          expect(outcome.kind, `byte ${at} ^ ${mask}: ${explain(outcome)}`).to.not.equal("crash");
        }),
        { numRuns: RUNS.flipped },
      );
    });

    it(`rejects random bytes with a FormatError (or warns), never a crash (${RUNS.random} cases)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 512 }), async (random) => {
          expectRejected(await parseBytes(loaded, Buffer.from(random)), "random bytes");
        }),
        { numRuns: RUNS.random },
      );
    });

    const streamTitle = hooks.amplify
      ? `streams: heap stays flat on a file ≥${AMPLIFY}× the sample (and ≥ 2 MiB)`
      : `streams: not measured, adapters/${adapterOf(aggregator)}/conformance.ts exports no amplify(sample, factor, mapping)`;
    it(streamTitle, async function () {
      const bytes = seedBytes();
      const warmUp = hooks.amplify?.(bytes, 10, loaded.mapping) ?? null;
      if (!warmUp) this.skip(); // the title states why
      // Only the detail records repeat, so size the factor by what one repetition adds.
      const perFactor = Math.max(1, (warmUp.length - bytes.length) / 9);
      const factor = Math.min(20_000, Math.max(AMPLIFY, Math.ceil(AMPLIFIED_MIN_BYTES / perFactor)));
      const big = hooks.amplify?.(bytes, factor, loaded.mapping) ?? null;
      if (!big) this.skip();
      const { payments, growth } = await heapGrowthWhileParsing(loaded, big, warmUp);
      expect(payments, `the amplified file did not parse to ${factor}× the payments`).to.equal(
        (seed?.payments ?? 0) * factor,
      );
      // Holding the file (or its records) would grow the heap with the file; streaming holds a chunk.
      expect(growth, `heap grew ${growth} bytes parsing ${big.length} bytes`).to.be.below(heapBound(big.length));
    });

    it("takes the same file twice as a duplicate that writes nothing", async function () {
      this.timeout(120_000);
      const t = await sharedDatabase();
      const file = seed?.file ?? samples[0].file;
      const first = await ingestFile(t.db, { aggregator, path: file });
      expect(first.status, JSON.stringify(first.errors)).to.equal("posted");
      const before = await countRows(t);
      const second = await ingestFile(t.db, { aggregator, path: file });
      expect(second.status).to.equal("duplicate");
      expect(second.fileId).to.equal(first.fileId);
      expect(await countRows(t)).to.deep.equal(before);
    });

    function seedBytes(): Buffer {
      if (!seed) throw new Error(`no sample of ${aggregator} parses cleanly`);
      return seed.bytes;
    }
  });
}

/** A sample with records beats one without; between equals, the smaller one is faster to mutate. */
function preferredSeed(a: { records: number; size: number }, b: { records: number; size: number }): boolean {
  if (a.records > 0 !== b.records > 0) return a.records > 0;
  return a.size < b.size;
}

function goldenTest(aggregator: string, sample: SampleFile): void {
  it(`${path.basename(sample.file)} parses to exactly its golden ${path.basename(sample.golden)}`, async () => {
    expect(
      existsSync(sample.golden),
      `no golden yet; review, then run: npx tsx scripts/update-goldens.ts ${aggregator}`,
    ).to.equal(true);
    const expected = JSON.parse(readFileSync(sample.golden, "utf8")) as unknown;
    expect(await goldenOf(sample)).to.deep.equal(expected);
  });
}

function allPayments(results: Map<string, DryRunResult>) {
  return [...results.values()].filter((r) => r.status === "ok").flatMap((r) => r.payments);
}

function expectRejected(outcome: Outcome, what: string): void {
  expect(outcome.kind, `${what}: ${explain(outcome)}`).to.not.equal("crash");
  if (outcome.kind === "ok")
    expect(outcome.warnings, `${what} parsed cleanly: ${explain(outcome)}`).to.be.greaterThan(0);
}

function explain(outcome: Outcome): string {
  if (outcome.kind === "crash") return `crashed: ${(outcome.error as Error)?.stack ?? String(outcome.error)}`;
  if (outcome.kind === "format") return `FormatError ${outcome.codes.slice(0, 3).join(", ")}`;
  return `ok, ${outcome.payments} payments, ${outcome.warnings} warnings`;
}

/** A bound well under what holding the file would cost, above the parser's fixed working set. */
export function heapBound(fileBytes: number): number {
  return Math.max(1024 * 1024, fileBytes * 0.75);
}

/** Peak retained-heap growth while parsing (sampled every few hundred items), without keeping the items. */
export async function heapGrowthWhileParsing(
  loaded: LoadedMapping,
  bytes: Buffer,
  warmUp?: Buffer,
): Promise<{ payments: number; growth: number }> {
  // A first pass compiles the parser and fills its caches, which is not growth with the file.
  if (warmUp) await parseBytes(loaded, warmUp);
  const baseline = retainedHeap();
  let peak = baseline;
  let payments = 0;
  let read = 0;
  let nextSample = 0;
  const input = chunks(bytes, 16 * 1024, (offset) => (read = offset));
  for await (const item of loaded.adapter.parse(input, loaded.mapping, {
    name: "amplified",
    aggregator: loaded.aggregator,
  })) {
    if (item.kind === "payment") payments += 1;
    // About 20 samples over the file, each after a full collection.
    if (read >= nextSample) {
      nextSample = read + bytes.length / 20;
      peak = Math.max(peak, retainedHeap());
    }
  }
  peak = Math.max(peak, retainedHeap());
  return { payments, growth: peak - baseline };
}

let database: Promise<TestDatabase> | null = null;

/** One embedded (or DATABASE_URL) database for every aggregator's duplicate test. */
function sharedDatabase(): Promise<TestDatabase> {
  database ??= freshDatabase();
  return database;
}

if (typeof after === "function")
  after(async () => {
    if (database) await (await database).close();
    database = null;
  });

async function countRows(t: TestDatabase): Promise<{ files: number; payments: number }> {
  const rows = (await t.db.query(
    "SELECT (SELECT count(*) FROM remittance_files)::int AS files, (SELECT count(*) FROM payments)::int AS payments",
  )) as { files: number; payments: number }[];
  return rows[0];
}
