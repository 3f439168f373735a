import { isAscii, isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";
import { FormatError } from "./format-error";

/**
 * Character sets a flat-file mapping may declare. `latin1` is ISO-8859-1, one byte per character.
 * `auto` is UTF-8 when the bytes are valid UTF-8, else Windows-1252 (see `AutoDecoder`).
 */
export const TEXT_ENCODINGS = ["auto", "utf-8", "latin1", "windows-1252"] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

/** What `auto` may turn out to be. */
export type DetectedEncoding = "utf-8" | "windows-1252";

/**
 * Decodes a byte stream into text chunk by chunk: a multi-byte character split across two
 * chunks is held back until its last byte arrives, so nothing is read ahead beyond one chunk
 * (under `auto`, beyond the rest of one line: see `AutoDecoder`).
 */
export async function* decodeChunks(
  input: AsyncIterable<Buffer | string>,
  encoding: TextEncodingName = "utf-8",
): AsyncGenerator<string> {
  const decoder = chunkDecoder(encoding);
  for await (const chunk of input) {
    if (typeof chunk === "string") {
      // Text already: whatever bytes came before it are complete.
      const held = decoder.end();
      if (held) yield held;
      if (chunk) yield chunk;
      continue;
    }
    const text = decoder.push(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

interface ChunkDecoder {
  push(chunk: Buffer): string;
  /** The text of any bytes still held; the decoder may be used again after it. */
  end(): string;
}

function chunkDecoder(encoding: TextEncodingName): ChunkDecoder {
  switch (encoding) {
    case "auto":
      return new AutoDecoder();
    case "latin1":
      // ISO-8859-1 maps every byte to the code point of the same value; Buffer does that exactly
      // (TextDecoder's "latin1" label means windows-1252 in the WHATWG standard).
      return { push: (chunk) => chunk.toString("latin1"), end: () => "" };
    case "windows-1252":
      return { push: decodeWindows1252, end: () => "" };
    case "utf-8":
      return utf8Decoder(true);
  }
}

function utf8Decoder(bomAllowed: boolean): ChunkDecoder {
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: !bomAllowed });
  return { push: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
}

/**
 * Windows-1252's characters for the bytes 0x80-0x9F (the WHATWG index; the five bytes it leaves
 * undefined keep their own code points); every other byte is its own code point, as in ISO-8859-1.
 * Ours rather than TextDecoder's: Node 20's TextDecoder("windows-1252") decodes a whole buffer as
 * Latin-1 (nodejs/node#56542) and only its streaming path is right.
 */
export const WINDOWS_1252_80_9F =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

const C1 = /[\x80-\x9f]/;
const C1_ALL = /[\x80-\x9f]/g;

/** One byte, one character: stateless, so chunk boundaries never matter. */
export function decodeWindows1252(bytes: Buffer): string {
  const text = bytes.toString("latin1");
  return C1.test(text) ? text.replace(C1_ALL, (c) => WINDOWS_1252_80_9F[c.charCodeAt(0) - 0x80]) : text;
}

/**
 * Beyond this many bytes of one line held undecided, `auto` decides on what it has: a file with
 * no line breaks must not be buffered whole.
 */
const AUTO_HOLD_LIMIT = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * `auto`: UTF-8 when the bytes are valid UTF-8, else Windows-1252, decided while streaming.
 *
 * ASCII reads the same in both, so ASCII text is passed on at once and commits to nothing. From
 * the first byte beyond ASCII the rest of its line is held (bytes, at most AUTO_HOLD_LIMIT) and
 * decides for the whole file: valid UTF-8 there means UTF-8, anything else Windows-1252. Holding
 * the line, not just the first character, lets a Windows-1252 line whose first accented letters
 * happen to form a UTF-8 sequence ("Ã©") still be caught by a later letter on that line. Nothing
 * that was passed on is ever re-read: before the decision all of it was ASCII.
 *
 * After the decision the file is read in that encoding to its end. A UTF-8 file with an invalid
 * byte further on gets U+FFFD there, which `checkDecoded` reports: a file that mixes encodings is
 * refused rather than guessed at line by line.
 */
export class AutoDecoder implements ChunkDecoder {
  private decoder: ChunkDecoder | null = null;
  private detected: DetectedEncoding | null = null;
  private held: Buffer = EMPTY;
  /** Bytes passed on as ASCII before the decision: a BOM is one only at the very start. */
  private passedBytes = 0;

  /** Null until the first byte beyond ASCII (a pure-ASCII file never needs to decide). */
  get encoding(): DetectedEncoding | null {
    return this.detected;
  }

  push(chunk: Buffer): string {
    if (this.decoder) return this.decoder.push(chunk);
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = EMPTY;
    if (isAscii(data)) return this.passOn(data, data.length);
    const first = firstNonAscii(data);
    const lineEnd = lineEndFrom(data, first);
    if (lineEnd === -1 && data.length - first <= AUTO_HOLD_LIMIT) {
      // Copied: the caller may reuse the chunk's memory once this returns.
      this.held = Buffer.from(data.subarray(first));
      return this.passOn(data, first);
    }
    const open = lineEnd === -1;
    return this.decide(data.subarray(first, open ? data.length : lineEnd), open).push(data);
  }

  end(): string {
    if (this.decoder) return this.decoder.end();
    const held = this.held;
    this.held = EMPTY;
    if (!held.length) return "";
    // Closed: input that ends inside a character is not UTF-8.
    const decoder = this.decide(held, false);
    return decoder.push(held) + decoder.end();
  }

  private passOn(data: Buffer, end: number): string {
    this.passedBytes += end;
    return data.toString("latin1", 0, end);
  }

  /** `open`: the sample may end inside a character whose next bytes are still to come. */
  private decide(sample: Buffer, open: boolean): ChunkDecoder {
    this.detected = "utf-8";
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: open });
    } catch {
      this.detected = "windows-1252";
    }
    this.decoder = this.detected === "utf-8" ? utf8Decoder(this.passedBytes === 0) : chunkDecoder("windows-1252");
    return this.decoder;
  }
}

function firstNonAscii(data: Buffer): number {
  for (let i = 0; i < data.length; i++) if (data[i] > 0x7f) return i;
  return -1;
}

/** Where the line that holds `from` ends (its CR or LF), or -1 when the data ends first. */
function lineEndFrom(data: Buffer, from: number): number {
  for (let i = from; i < data.length; i++) if (data[i] === 0x0a || data[i] === 0x0d) return i;
  return -1;
}

/**
 * A decoded line that holds U+FFFD had bytes that are not valid in the declared encoding (under
 * `auto`, a UTF-8 file with invalid bytes after its first line beyond ASCII).
 */
export function checkDecoded(text: string, line: number, encoding: TextEncodingName): FormatError | null {
  if ((encoding !== "utf-8" && encoding !== "auto") || !text.includes("\uFFFD")) return null;
  return new FormatError(
    "invalid_encoding",
    line,
    null,
    encoding === "auto" ? AUTO_INVALID : "bytes that are not valid utf-8",
  );
}

const AUTO_INVALID =
  "bytes that are not valid UTF-8 in a file read as UTF-8 from its first line beyond ASCII (a file that mixes encodings?)";

/**
 * The Buffer encoding that reads a whole sample held in memory (tools that rewrite a sample, not
 * the parsers): one byte per character for the single-byte sets, so bytes round-trip unchanged.
 */
export function sampleEncoding(sample: Buffer, encoding: TextEncodingName): "utf8" | "latin1" {
  if (encoding === "auto") return isUtf8(sample) ? "utf8" : "latin1";
  return encoding === "utf-8" ? "utf8" : "latin1";
}
