import type winston from "winston";
import { maskDigits } from "./rules/account/mask-digits";

/**
 * JSON-line logging with a redaction layer. Members type their SSN into the account-number field
 * at their bank, so values are masked by what they are, keeping at most their last 4 digits:
 * every field named for an account or an SSN, and in any text an account- or SSN-shaped token
 * standing alone — 7 to 11 digits, optionally split by single blanks or dashes as typed account
 * numbers are. Identifiers an operator searches for are left whole: a UUID (a file or payment id),
 * a trace number (15 digits), a timestamp or a date, and digits inside a longer name
 * (billed-20261202.ach, bench-15863).
 */

// One pass, protected shapes first: the alternation takes a UUID or a timestamp as a whole, so no
// part of one is ever seen as a candidate.
const TOKENS = new RegExp(
  [
    /(?<![\w-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/.source,
    // A calendar date (month and day in range, so that a typed 7123-45-6789 is not one), with its time.
    /(?<![\w-])\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w-])/
      .source,
    // An account- or SSN-shaped token: not touching a letter, digit, dash or underscore on either
    // side, nor a dot followed by a letter (a file's extension).
    /(?<![\w-])(\d(?:[ -]?\d){6,10})(?![\w-]|\.\w)/.source,
  ].join("|"),
  "gi",
);

export function redactText(text: string): string {
  return text.replace(TOKENS, (match, candidate: string | undefined) => (candidate ? maskDigits(candidate) : match));
}

// Fields that name an account number or an SSN: their value is masked whatever its shape.
const ACCOUNT_KEY = /account|ssn/i;
// Fields that hold amounts, counts and measures: numbers there are never personal data.
const MEASURE_KEY = /cents|count|bytes|size|ms$|seconds|line|payments|entries|total|attempts/i;

function redactString(value: string, key: string): string {
  return ACCOUNT_KEY.test(key) && value.replace(/\D/g, "").length >= 7 ? maskDigits(value) : redactText(value);
}

/** A number is masked under an account or SSN key, or when it has an account's or SSN's 9 digits outside a measure. */
function redactNumber(value: number | bigint, key: string): number | bigint | string {
  const digits = String(value).replace("-", "");
  if (ACCOUNT_KEY.test(key) && digits.length >= 7) return maskDigits(digits);
  return /^\d{9}$/.test(digits) && !MEASURE_KEY.test(key) ? maskDigits(digits) : value;
}

export function redact(value: unknown, seen = new WeakSet<object>(), key = ""): unknown {
  if (typeof value === "string") return redactString(value, key);
  if (typeof value === "number" || typeof value === "bigint") return redactNumber(value, key);
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
