import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full garbage collection on demand. Mocha does not run with --expose-gc, so the flag is set at
 * run time and `gc` taken from a fresh context (V8 installs it there once the flag is on).
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

/** Heap in use after a full collection: what is really retained. */
export function retainedHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
