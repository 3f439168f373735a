import { decodeChunks } from "../../src/adapter-kit/text-decoding";
import { ISA_LENGTH, readDelimiters, type X12Delimiters } from "./delimiters";
import { x12Error, type SegmentPosition } from "./errors";

/** One segment as read: `elements[0]` is the tag, so `elements[n]` is element n as X12 numbers it. */
export interface X12Segment extends SegmentPosition {
  tag: string;
  elements: string[];
  /** The segment text as received, without its terminator. */
  raw: string;
  delimiters: X12Delimiters;
  /** The file ended before this segment's terminator. */
  unterminated?: boolean;
}

/** Element n of a segment ("" when absent), as X12 numbers them: BPR02 is element(bpr, 2). */
export function element(segment: X12Segment, n: number): string {
  return segment.elements[n] ?? "";
}

export interface SegmentReaderOptions {
  /** A longer segment is a FormatError; bounds memory on input that has no terminators. */
  maxSegmentLength?: number;
}

const BLANK = /[\s\uFEFF]/;
const TAG = /^[A-Z][A-Z0-9]{1,2}$/;

/**
 * Splits an X12 byte stream into segments, streaming: only the current partial segment is held.
 * Delimiters come from the ISA; blanks and line breaks between segments are skipped (real files
 * put each segment on its own line, some indent them), and a CR before an LF terminator is dropped.
 * node-x12's stream parser is not used: it silently drops any chunk shorter than 113 characters
 * that arrives after the first, so the tail of a file read in 64 KiB chunks can vanish.
 */
export async function* readSegments(input: AsyncIterable<Buffer | string>, options: SegmentReaderOptions = {}): AsyncGenerator<X12Segment> {
  const max = options.maxSegmentLength ?? 64 * 1024;
  let delimiters: X12Delimiters | null = null;
  let buf = "";
  let pos = 0;
  let line = 1;
  let index = 0;
  let sawText = false;

  const skipBlanks = (): void => {
    while (pos < buf.length && BLANK.test(buf[pos]) && buf[pos] !== delimiters?.segment) {
      if (buf[pos] === "\n") line += 1;
      pos += 1;
    }
  };
  const make = (raw: string, at: number, d: X12Delimiters): X12Segment => {
    const text = d.segment === "\n" ? raw.replace(/\r$/, "") : raw;
    const elements = text.split(d.element);
    index += 1;
    const tag = elements[0].trim();
    if (!TAG.test(tag)) throw x12Error("invalid_segment_id", { index, line: at }, null, { tag });
    elements[0] = tag;
    return { tag, elements, raw: text, index, line: at, delimiters: d };
  };

  for await (const text of decodeChunks(input)) {
    buf = buf.slice(pos) + text;
    pos = 0;
    while (true) {
      skipBlanks();
      if (pos >= buf.length) break;
      sawText = true;
      const at = line;
      if (!delimiters) {
        if (buf.length - pos < ISA_LENGTH) {
          if (!"ISA".startsWith(buf.slice(pos, pos + 3))) throw x12Error("missing_isa", { index: 1, line: at }, "ISA");
          break;
        }
        delimiters = readDelimiters(buf.slice(pos, pos + ISA_LENGTH));
        yield make(buf.slice(pos, pos + ISA_LENGTH - 1), at, delimiters);
        pos += ISA_LENGTH;
        if (delimiters.segment === "\n") line += 1;
        continue;
      }
      const end = buf.indexOf(delimiters.segment, pos);
      if (end < 0) {
        if (buf.length - pos > max) throw x12Error("segment_too_long", { index: index + 1, line: at }, null, { max });
        break;
      }
      const raw = buf.slice(pos, end);
      for (const c of raw) if (c === "\n") line += 1;
      if (delimiters.segment === "\n") line += 1;
      pos = end + 1;
      yield make(raw, at, delimiters);
    }
  }
  skipBlanks();
  if (pos < buf.length) {
    if (!delimiters) {
      // Fewer than 106 characters in the whole file: report what the ISA lacks.
      readDelimiters(buf.slice(pos));
    } else {
      // A last segment without its terminator: the envelope checks decide whether anything is missing.
      yield { ...make(buf.slice(pos), line, delimiters), unterminated: true };
    }
  }
  if (!sawText) throw x12Error("empty_file", null, null);
}
