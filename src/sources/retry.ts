import { setTimeout as sleep } from "node:timers/promises";

/**
 * ssh2-sftp-client 12 dropped its built-in retry, so connect, list and download go through this:
 * exponential backoff with full jitter (AWS's recommendation: spreads reconnecting pollers apart)
 * and a per-attempt timeout, so a hung server cannot stall a poll for ever.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt; 0 means no timeout. */
  timeoutMs: number;
  /** Called before waiting to retry (for logs). */
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
  /** Called after a failed attempt (a timeout included), before the retry: e.g. drop a dead connection. */
  onFailure?: (error: Error) => Promise<void> | void;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, timeoutMs: 30_000 };

/** An error that retrying cannot cure (host key mismatch, missing file, bad credentials). */
export class PermanentError extends Error {
  constructor(
    message: string,
    readonly code = "permanent",
  ) {
    super(message);
    this.name = "PermanentError";
  }
}

export class TimeoutError extends Error {
  constructor(label: string, ms: number) {
    super(`${label} timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** The wait before retry number `attempt` (1-based): uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">,
  random = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

export async function withTimeout<T>(label: string, ms: number, work: Promise<T>): Promise<T> {
  if (!ms) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(label, ms)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function withRetry<T>(
  label: string,
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
  isRetryable: (error: Error) => boolean = (e) => !(e instanceof PermanentError),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(label, options.timeoutMs, operation(attempt));
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      await options.onFailure?.(error);
      if (attempt >= options.attempts || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(attempt, options);
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
