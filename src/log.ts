import type winston from "winston";
import { maskDigits } from "./rules/account/mask-digits";

/**
 * JSON-line logging with a redaction layer. Members type their SSN into the account-number field
 * at their bank, so every message and every field is scrubbed before it is written: SSN-like
 * values and any run of 7 or more digits (optionally split by blanks or dashes, as typed account
 * numbers are) keep at most their last 4 digits.
 */

const SSN_DASHED = /\b\d{3}-\d{2}-\d{4}\b/g;
// A digit, then 6+ more digits each optionally preceded by one blank or dash.
const LONG_DIGITS = /\d(?:[ -]?\d){6,}/g;

// Calendar dates (2026-11-27) are not personal data and make logs readable; keep them.
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function redactText(text: string): string {
  return text
    .replace(SSN_DASHED, (m) => maskDigits(m))
    .replace(LONG_DIGITS, (m) => (ISO_DATE.test(m) ? m : maskDigits(m)));
}

// Fields that hold amounts, counts and measures: numbers there are never personal data.
const MEASURE_KEY = /cents|count|bytes|size|ms$|seconds|line|payments|entries|total|attempts/i;

export function redact(value: unknown, seen = new WeakSet<object>(), key = ""): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value === "number" || typeof value === "bigint") {
    const s = String(value);
    return /^\d{7,}$/.test(s) && !MEASURE_KEY.test(key) ? maskDigits(s) : value;
  }
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      stack: value.stack ? redactText(value.stack) : undefined,
    };
  }
  if (value && typeof value === "object") {
    if (seen.has(value)) return "[circular]";
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => redact(v, seen, key));
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, seen, k);
    return out;
  }
  return value;
}

/**
 * The winston logger, made on first use: loading winston costs about 50 ms, which a command that
 * logs nothing (check-account, timing, --help) should not pay at start.
 */
function createLogger(): winston.Logger {
  // A plain require: the logger is needed synchronously, on the first call that logs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const w = require("winston") as typeof winston;
  // winston keeps level/message under symbols too; rewrite the visible keys and the MESSAGE symbol is built after.
  const redactFormat = w.format((info) => {
    for (const key of Object.keys(info)) {
      if (key === "level") continue;
      (info as Record<string, unknown>)[key] = redact((info as Record<string, unknown>)[key], new WeakSet(), key);
    }
    return info;
  });
  return w.createLogger({
    level: process.env.LOG_LEVEL ?? "info",
    format: w.format.combine(redactFormat(), w.format.timestamp(), w.format.json()),
    // stderr, so that stdout stays clean for --json output and JSON lines.
    transports: [
      new w.transports.Console({ stderrLevels: ["error", "warn", "info", "http", "verbose", "debug", "silly"] }),
    ],
  });
}

let logger: winston.Logger | undefined;
const made = (): winston.Logger => (logger ??= createLogger());

// winston's npm levels, most severe first: a call below the configured level writes nothing, so
// it need not create the logger either.
const LEVELS = ["error", "warn", "info", "http", "verbose", "debug", "silly"];
const ignored = (key: string | symbol): boolean => {
  const limit = LEVELS.indexOf(process.env.LOG_LEVEL ?? "info");
  return !logger && limit >= 0 && LEVELS.indexOf(String(key)) > limit;
};
const ignore = (): void => {};

/** The product's logger: winston's, with every field redacted (see redact), created when first used. */
export const log: winston.Logger = new Proxy({} as winston.Logger, {
  get: (_, key) => {
    if (ignored(key)) return ignore;
    const value: unknown = Reflect.get(made(), key);
    return typeof value === "function" ? value.bind(made()) : value;
  },
  set: (_, key, value) => Reflect.set(made(), key, value),
});

/** Send log lines to a file as well (tests scan it for leaked numbers). */
export function logToFile(path: string): winston.transport {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const transport = new (require("winston") as typeof winston).transports.File({ filename: path });
  log.add(transport);
  return transport;
}
