import { FormatError } from "./format-error";
import { decodeChunks, type TextEncodingName } from "./text-decoding";

export interface TextLine {
  /** 1-based physical line number. */
  line: number;
  /** The line without its terminator (LF, CRLF or a lone CR). */
  text: string;
}

export interface LineReaderOptions {
  encoding?: TextEncodingName;
  /** A longer line is a FormatError; bounds memory on a file with no line breaks at all. */
  maxLineLength?: number;
}

/**
 * Splits a byte stream into lines, streaming: only the current partial line is held. Generic over
 * formats (fixed-width flat files, NACHA): it knows nothing of record layouts.
 */
export async function* readLines(input: AsyncIterable<Buffer | string>, options: LineReaderOptions = {}): AsyncGenerator<TextLine> {
  const max = options.maxLineLength ?? 64 * 1024;
  let pending = "";
  let line = 0;
  let lastWasCr = false;
  for await (const text of decodeChunks(input, options.encoding)) {
    // The LF of a CRLF split across two chunks ends nothing new.
    let start: number = lastWasCr && text.charCodeAt(0) === 10 ? 1 : 0;
    lastWasCr = false;
    for (let i: number = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const piece = pending + text.slice(start, i);
      pending = "";
      line += 1;
      if (piece.length > max) throw tooLong(line, max);
      yield { line, text: piece };
      const crlf: boolean = c === 13 && text.charCodeAt(i + 1) === 10;
      lastWasCr = c === 13 && !crlf && i === text.length - 1;
      if (crlf) i += 1;
      start = i + 1;
    }
    if (start < text.length) {
      pending += text.slice(start);
      if (pending.length > max) throw tooLong(line + 1, max);
    }
  }
  if (pending !== "") yield { line: line + 1, text: pending };
}

function tooLong(line: number, max: number): FormatError {
  return new FormatError("line_too_long", line, null, `a line longer than ${max} characters (is this the right format?)`);
}
