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
export async function* readSegments(
  input: AsyncIterable<Buffer | string>,
  options: SegmentReaderOptions = {},
): AsyncGenerator<X12Segment> {
  const splitter = new SegmentSplitter(options.maxSegmentLength ?? 64 * 1024);
  for await (const text of decodeChunks(input)) {
    splitter.append(text);
    // One segment at a time: a bad segment further on must not fail the file before the caller
    // has seen (and perhaps rejected) the ones before it.
    for (let segment = splitter.next(); segment; segment = splitter.next()) yield segment;
  }
  const last = splitter.unterminated();
  if (last) yield last;
  if (!splitter.sawText) throw x12Error("empty_file", null, null);
}

/** The splitting state: the text not yet split (`buf` from `pos`), the line and segment counts. */
class SegmentSplitter {
  private delimiters: X12Delimiters | null = null;
  private buf = "";
  private pos = 0;
  private line = 1;
  private index = 0;
  private seenText = false;

  constructor(private readonly max: number) {}

  /** True once anything but blanks was read. */
  get sawText(): boolean {
    return this.seenText;
  }

  append(text: string): void {
    this.buf = this.buf.slice(this.pos) + text;
    this.pos = 0;
  }

  /** The next complete segment, or null when what is left is blank or a partial segment. */
  next(): X12Segment | null {
    this.skipBlanks();
    if (this.pos >= this.buf.length) return null;
    this.seenText = true;
    return this.delimiters ? this.segment(this.delimiters) : this.isa();
  }

  /** After the last chunk: the last segment when the file ends without its terminator, else null. */
  unterminated(): X12Segment | null {
    this.skipBlanks();
    if (this.pos >= this.buf.length) return null;
    if (!this.delimiters) {
      // Fewer than 106 characters in the whole file: report what the ISA lacks.
      readDelimiters(this.buf.slice(this.pos));
      return null;
    }
    // The envelope checks decide whether anything is missing.
    return { ...this.make(this.buf.slice(this.pos), this.line, this.delimiters), unterminated: true };
  }

  /** The ISA is fixed-width and names the delimiters, so it is read before any terminator is known. */
  private isa(): X12Segment | null {
    const at = this.line;
    if (this.buf.length - this.pos < ISA_LENGTH) {
      if (!"ISA".startsWith(this.buf.slice(this.pos, this.pos + 3)))
        throw x12Error("missing_isa", { index: 1, line: at }, "ISA");
      return null;
    }
    const delimiters = readDelimiters(this.buf.slice(this.pos, this.pos + ISA_LENGTH));
    this.delimiters = delimiters;
    const isa = this.make(this.buf.slice(this.pos, this.pos + ISA_LENGTH - 1), at, delimiters);
    this.pos += ISA_LENGTH;
    if (delimiters.segment === "\n") this.line += 1;
    return isa;
  }

  private segment(delimiters: X12Delimiters): X12Segment | null {
    const at = this.line;
    const end = this.buf.indexOf(delimiters.segment, this.pos);
    if (end < 0) {
      const max = this.max;
      if (this.buf.length - this.pos > max)
        throw x12Error("segment_too_long", { index: this.index + 1, line: at }, null, { max });
      return null;
    }
    const raw = this.buf.slice(this.pos, end);
    for (const c of raw) if (c === "\n") this.line += 1;
    if (delimiters.segment === "\n") this.line += 1;
    this.pos = end + 1;
    return this.make(raw, at, delimiters);
  }

  private skipBlanks(): void {
    while (
      this.pos < this.buf.length &&
      BLANK.test(this.buf[this.pos]) &&
      this.buf[this.pos] !== this.delimiters?.segment
    ) {
      if (this.buf[this.pos] === "\n") this.line += 1;
      this.pos += 1;
    }
  }

  private make(raw: string, at: number, d: X12Delimiters): X12Segment {
    const text = d.segment === "\n" ? raw.replace(/\r$/, "") : raw;
    const elements = text.split(d.element);
    this.index += 1;
    const index = this.index;
    const tag = elements[0].trim();
    if (!TAG.test(tag)) throw x12Error("invalid_segment_id", { index, line: at }, null, { tag });
    elements[0] = tag;
    return { tag, elements, raw: text, index, line: at, delimiters: d };
  }
}
