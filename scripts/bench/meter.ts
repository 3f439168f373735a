import { performance } from "node:perf_hooks";

/** Progress for people watching a long run: on stderr, so that stdout holds only the table or the JSON. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Peak resident set size, overall and since the last `beginStep`, sampled every 50 ms and at each step's end. */
export class RssMeter {
  private peak = process.memoryUsage().rss;
  private stepPeak = this.peak;
  private readonly timer = setInterval(() => this.sample(), 50);

  sample(): number {
    const rss = process.memoryUsage().rss;
    this.peak = Math.max(this.peak, rss);
    this.stepPeak = Math.max(this.stepPeak, rss);
    return rss;
  }

  beginStep(): void {
    this.stepPeak = process.memoryUsage().rss;
  }

  /** The step's peak so far (sampled now too). */
  stepPeakBytes(): number {
    this.sample();
    return this.stepPeak;
  }

  overallPeakBytes(): number {
    this.sample();
    return this.peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Seconds since `start` (a performance.now() reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * Runs a long piece of work with a start line, a line every 15 s while it runs, and an end line
 * with its time, all on stderr. Returns what the work returns and its seconds.
 */
export async function timed<T>(label: string, work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  progress(`${label} …`);
  const start = performance.now();
  const heartbeat = setInterval(
    () => progress(`${label}: still running (${secondsSince(start).toFixed(0)} s)`),
    15_000,
  );
  try {
    const value = await work();
    const seconds = secondsSince(start);
    const rss = (process.memoryUsage().rss / 1024 / 1024).toFixed(0);
    progress(`${label}: done in ${seconds.toFixed(2)} s (RSS now ${rss} MB)`);
    return { value, seconds };
  } finally {
    clearInterval(heartbeat);
  }
}
