import { expect } from "chai";
import { backoffDelay, PermanentError, TimeoutError, withRetry, withTimeout } from "../../src/sources/retry";

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 4, timeoutMs: 1000 };

describe("retry with backoff and jitter", () => {
  it("waits at most base·2^(n-1), capped at maxDelayMs, and at least nothing", () => {
    const opts = { baseDelayMs: 500, maxDelayMs: 8000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, opts, () => 1))).to.deep.equal([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(backoffDelay(3, opts, () => 0)).to.equal(0);
    expect(backoffDelay(3, opts, () => 0.5)).to.equal(1000);
  });

  it("retries a failing operation until it succeeds", async () => {
    let calls = 0;
    const result = await withRetry(
      "op",
      async () => {
        if (++calls < 3) throw new Error("flaky");
        return "ok";
      },
      fast,
    );
    expect([result, calls]).to.deep.equal(["ok", 3]);
  });

  it("gives up after the last attempt with the last error", async () => {
    let calls = 0;
    const failure = await withRetry(
      "op",
      async () => {
        calls++;
        throw new Error(`attempt ${calls}`);
      },
      fast,
    ).catch((e: Error) => e);
    expect([(failure as Error).message, calls]).to.deep.equal(["attempt 4", 4]);
  });

  it("does not retry a permanent error", async () => {
    let calls = 0;
    const failure = await withRetry(
      "op",
      async () => {
        calls++;
        throw new PermanentError("host key mismatch");
      },
      fast,
    ).catch((e: Error) => e);
    expect(failure).to.be.instanceOf(PermanentError);
    expect(calls).to.equal(1);
  });

  it("times out an attempt that hangs, then retries it", async () => {
    let calls = 0;
    const failures: string[] = [];
    const result = await withRetry(
      "op",
      (attempt) => {
        calls++;
        return attempt === 1 ? new Promise<string>(() => undefined) : Promise.resolve("second");
      },
      { ...fast, timeoutMs: 30, onFailure: (e) => void failures.push(e.name) },
    );
    expect([result, calls, failures]).to.deep.equal(["second", 2, ["TimeoutError"]]);
  });

  it("withTimeout rejects with a TimeoutError naming the operation", async () => {
    const e = await withTimeout("list /outbound", 10, new Promise(() => undefined)).catch((x: Error) => x);
    expect(e).to.be.instanceOf(TimeoutError);
    expect((e as Error).message).to.equal("list /outbound timed out after 10 ms");
  });
});
