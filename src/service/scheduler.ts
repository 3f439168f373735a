import type { Family } from "./prometheus";

/** What `serve` runs: the in-process schedule (embedded) or the pg-boss workers (PostgreSQL). */
export interface Scheduler {
  readonly mode: "embedded" | "postgres";
  start(): Promise<void>;
  /**
   * Stop taking work and wait up to graceMs for the current file. Resolves true when everything
   * finished, false when work was abandoned (it rolls back when the process exits).
   */
  stop(graceMs: number): Promise<boolean>;
  /** Metric families only this mode has (queue depths). */
  families?(): Promise<Family[]>;
}
