/**
 * The service's settings that `billpay serve` declares as options: pg-boss defaults and the token's
 * environment variable. Nothing here loads pg-boss or the HTTP server.
 */

/** The bearer token for the HTTP API; binding anywhere but loopback needs it. */
export const TOKEN_ENV = "BILLPAY_HTTP_TOKEN";

export interface BossSettings {
  url: string;
  /** File jobs worked at once by this instance. */
  concurrency: number;
  /** How often an idle worker asks for a job (pg-boss minimum 0.5 s). */
  pollingIntervalSeconds: number;
  /** A file job still active after this long is failed by pg-boss maintenance and retried. */
  fileTimeoutSeconds: number;
  retryLimit: number;
  /** First retry delay; it doubles (with jitter) on each retry. */
  retryDelaySeconds: number;
}

export const DEFAULT_BOSS_SETTINGS: Omit<BossSettings, "url"> = {
  concurrency: 2,
  pollingIntervalSeconds: 2,
  fileTimeoutSeconds: 3600,
  retryLimit: 5,
  retryDelaySeconds: 30,
};
