/**
 * What a family may tell the shared conformance suite about one of its adapters
 * (adapters/<family>/conformance.ts exports `conformanceHooks`, keyed by adapter id).
 */
export interface ConformanceHooks {
  /** The sample with its detail records repeated `factor` times (controls still right), or null. */
  amplify?(sample: Buffer, factor: number, mapping: unknown): Buffer | null;
  /** Why this format has no reversals or returns (then the sample set need not show one). */
  noReversals?: string;
}

/** A family's hooks, by the id of the adapter they serve. */
export type FamilyConformanceHooks = Readonly<Record<string, ConformanceHooks>>;
