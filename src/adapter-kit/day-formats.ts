import { DateTime, type TokenParser } from "luxon";
import { PAYEE_ZONE } from "../model";

// Building a luxon parser compiles the format to a regex; doing it once per format, not per
// value, makes dates ~10× cheaper on a large file.
const parsers = new Map<string, TokenParser>();

function parserFor(format: string): TokenParser {
  let parser = parsers.get(format);
  if (!parser) {
    parser = DateTime.buildFormatParser(format, { locale: "en-US" });
    parsers.set(format, parser);
  }
  return parser;
}

/** Reads a day written in any of the given luxon formats; null when none fits (or it is no real day). */
export function parseDay(text: string, formats: string | string[]): string | null {
  for (const format of Array.isArray(formats) ? formats : [formats]) {
    const dt = DateTime.fromFormatParser(text, parserFor(format), { zone: PAYEE_ZONE });
    if (dt.isValid) return dt.toISODate();
  }
  return null;
}
