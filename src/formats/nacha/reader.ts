import type { Readable } from "node:stream";
import { nachaError } from "./errors";

/** Lines as they came, with the 1-based number of the first. */
export interface LineChunk {
  firstLineNo: number;
  lines: string[];
}

export interface ReadLinesOptions {
  /**
   * A line longer than this is not a NACHA file at all (or has no line breaks): stop rather than
   * buffer an unbounded line. Generous, so that a long line is reported by the parser with its number.
   */
  maxLineLength?: number;
}

/**
 * Splits a stream into lines, a chunk at a time: the parser loops over each chunk synchronously,
 * which is what keeps a million-entry file near a second. LF or CRLF; a last line without a line
 * break is still a line. Decoded as latin1 so that one byte is one position, whatever the bytes.
 */
export async function* readLineChunks(input: Readable, options: ReadLinesOptions = {}): AsyncGenerator<LineChunk> {
  const maxLineLength = options.maxLineLength ?? 4096;
  let carry = "";
  let lineNo = 1;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const data = carry + (typeof chunk === "string" ? chunk : chunk.toString("latin1"));
    const lines: string[] = [];
    let start = 0;
    let nl = data.indexOf("\n", start);
    while (nl !== -1) {
      const end = nl > start && data.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push(data.slice(start, end));
      start = nl + 1;
      nl = data.indexOf("\n", start);
    }
    carry = data.slice(start);
    if (carry.length > maxLineLength) {
      throw nachaError("long_line", lineNo + lines.length, null, { length: carry.length });
    }
    if (lines.length) {
      yield { firstLineNo: lineNo, lines };
      lineNo += lines.length;
    }
  }
  if (carry.endsWith("\r")) carry = carry.slice(0, -1);
  if (carry.length) yield { firstLineNo: lineNo, lines: [carry] };
}
