import { StringDecoder } from "node:string_decoder";
import { camtError } from "./errors";
import type { XmlLimits } from "./limits";

/**
 * Splits an XML stream into the elements a reader asked for, so that each one (a camt `Ntry`,
 * a `TxsSummry`, the `GrpHdr`) can be handed to fast-xml-parser alone and memory stays flat
 * however many entries a file holds.
 *
 * It is a small tokenizer, not a parser: it tracks the element stack (so it knows where each
 * captured element ends, how deep the document goes and whether it was truncated), counts lines
 * (fast-xml-parser gives none, so every event carries the line of its start tag), and rejects any
 * `<!DOCTYPE` / `<!ENTITY` before a byte of the document reaches a parser. What it does not check
 * (attribute syntax, entity references) fast-xml-parser's validator checks inside each element.
 */
export type XmlEvent =
  /** A start tag that is not captured (root, message, containers); `tag` is its text. */
  | { type: "open"; path: string[]; line: number; tag: string }
  | { type: "close"; path: string[]; line: number }
  /** A captured element, whole: its text from `<` of the start tag to `>` of the end tag. */
  | { type: "element"; path: string[]; line: number; text: string };

export interface SplitOptions {
  limits: XmlLimits;
  /** Whether to capture the element at this path of local names (prefixes removed). */
  capture(path: readonly string[]): boolean;
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

function localName(qualified: string): string {
  const colon = qualified.indexOf(":");
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

export class XmlSplitter {
  private buf = "";
  private pos = 0;
  private line = 1;
  private bytes = 0;
  private started = false;
  private rootSeen = false;
  private rootClosed = false;
  private readonly stack: string[] = [];
  private capturing: { start: number; line: number; depth: number; path: string[] } | null = null;
  private readonly decoder = new StringDecoder("utf8");

  constructor(private readonly options: SplitOptions) {}

  /** Feeds the next chunk; returns the events it completed. */
  push(chunk: Buffer | string): XmlEvent[] {
    this.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    if (this.bytes > this.options.limits.maxBytes) {
      throw camtError("file_too_large", 0, null, `more than ${this.options.limits.maxBytes} bytes`);
    }
    this.buf += typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    const events = this.drain(false);
    this.compact();
    return events;
  }

  /** Ends the input; throws when the document is empty or not closed. */
  end(): XmlEvent[] {
    this.buf += this.decoder.end();
    const events = this.drain(true);
    if (!this.rootSeen) throw camtError("not_xml", this.line, null, "no root element");
    if (this.stack.length > 0) {
      throw camtError(
        "xml_truncated",
        this.line,
        this.stack.map(localName).join("/"),
        `<${this.stack.at(-1)}> is never closed`,
      );
    }
    return events;
  }

  private drain(final: boolean): XmlEvent[] {
    const events: XmlEvent[] = [];
    if (!this.started) {
      if (this.buf.length === 0) return events;
      this.started = true;
      if (this.buf.charCodeAt(0) === 0xfeff) this.buf = this.buf.slice(1);
    }
    while (this.pos < this.buf.length) {
      const lt = this.buf.indexOf("<", this.pos);
      const textEnd = lt < 0 ? this.buf.length : lt;
      if (textEnd > this.pos) {
        this.checkText(this.pos, textEnd);
        this.advance(textEnd);
      }
      if (lt < 0) break;
      const end = this.markupEnd(lt, final);
      if (end < 0) break;
      this.markup(lt, end, events);
      this.advance(end);
    }
    return events;
  }

  /** Text outside the root element may only be blank. */
  private checkText(from: number, to: number): void {
    if (this.stack.length > 0) return;
    const text = this.buf.slice(from, to);
    const nonBlank = text.search(/\S/);
    if (nonBlank < 0) return;
    const line = this.line + countNewlines(text.slice(0, nonBlank));
    if (this.rootClosed) throw camtError("xml_malformed", line, null, "text after the root element");
    throw camtError("not_xml", line, null, "text before the root element");
  }

  /** Index just past the markup starting at `i`, or -1 when more input is needed. */
  private markupEnd(i: number, final: boolean): number {
    const b = this.buf;
    const need = (found: number, closeLen: number): number => {
      if (found >= 0) return found + closeLen;
      if (final) throw camtError("xml_truncated", this.line, this.openPath(), "the file ends inside markup");
      if (b.length - i > this.options.limits.maxElementBytes) {
        throw camtError("xml_element_too_large", this.line, this.openPath(), "markup never ends");
      }
      return -1;
    };
    // Every kind of markup ends with ">": until one arrived, there is nothing to decide.
    if (!final && b.indexOf(">", i) < 0) return need(-1, 0);
    const head = b.slice(i, i + 9);
    if (head.startsWith("<?")) return need(b.indexOf("?>", i + 2), 2);
    if (head.startsWith("<!--")) return need(b.indexOf("-->", i + 4), 3);
    if (head.startsWith("<![CDATA[")) return need(b.indexOf("]]>", i + 9), 3);
    if (head.startsWith("<!")) {
      if (/^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i.test(head)) {
        throw camtError("xml_doctype_forbidden", this.line, null, `found ${head.slice(0, 9)}`);
      }
      throw camtError("xml_malformed", this.line, this.openPath(), `unexpected "${head.slice(0, 4)}"`);
    }
    // A tag: its `>` is the first one outside quoted attribute values.
    let quote = "";
    for (let j = i + 1; j < b.length; j++) {
      const c = b[j];
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ">") return j + 1;
      else if (c === "<") throw camtError("xml_malformed", this.line, this.openPath(), "a tag is not closed by >");
    }
    return need(-1, 0);
  }

  private markup(i: number, end: number, events: XmlEvent[]): void {
    const text = this.buf.slice(i, end);
    if (text.startsWith("<?")) {
      this.checkDeclaration(text);
      return;
    }
    if (text.startsWith("<!--")) return;
    if (text.startsWith("<![CDATA[")) {
      if (this.stack.length === 0) throw camtError("xml_malformed", this.line, null, "CDATA outside the root element");
      return;
    }
    if (text.startsWith("</")) {
      this.closeTag(text.slice(2, -1).trim(), end, events);
      return;
    }
    const selfClosing = text.endsWith("/>");
    const name = /^<([^\s/>]+)/.exec(text)?.[1] ?? "";
    if (!NAME.test(name))
      throw camtError("xml_malformed", this.line, this.openPath(), `"${text.slice(0, 40)}" is not a start tag`);
    this.openTag(name, text, i, selfClosing, events);
  }

  private checkDeclaration(text: string): void {
    if (!/^<\?xml\s/.test(text)) return;
    const encoding = /encoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
    if (encoding && !/^(utf-?8|us-ascii)$/i.test(encoding)) {
      throw camtError("unsupported_encoding", this.line, null, `declared encoding ${encoding}`);
    }
  }

  private openTag(name: string, text: string, start: number, selfClosing: boolean, events: XmlEvent[]): void {
    if (this.rootClosed) throw camtError("xml_malformed", this.line, null, `<${name}> after the root element`);
    this.rootSeen = true;
    const path = [...this.stack.map(localName), localName(name)];
    if (path.length > this.options.limits.maxDepth) {
      throw camtError("xml_too_deep", this.line, path.join("/"), `more than ${this.options.limits.maxDepth} levels`);
    }
    if (!selfClosing) this.stack.push(name);
    else if (this.stack.length === 0) this.rootClosed = true;
    if (this.capturing) return;
    if (this.options.capture(path)) {
      if (selfClosing) events.push({ type: "element", path, line: this.line, text });
      else this.capturing = { start, line: this.line, depth: this.stack.length, path };
      return;
    }
    events.push({ type: "open", path, line: this.line, tag: text });
    if (selfClosing) events.push({ type: "close", path, line: this.line });
  }

  private closeTag(name: string, end: number, events: XmlEvent[]): void {
    const open = this.stack.pop();
    if (open !== name) {
      throw camtError(
        "xml_malformed",
        this.line,
        [...this.stack, open ?? ""].map(localName).join("/") || null,
        open ? `</${name}> closes <${open}>` : `</${name}> closes nothing`,
      );
    }
    const path = [...this.stack.map(localName), localName(name)];
    if (this.stack.length === 0) this.rootClosed = true;
    const c = this.capturing;
    if (c && this.stack.length === c.depth - 1) {
      events.push({ type: "element", path: c.path, line: c.line, text: this.buf.slice(c.start, end) });
      this.capturing = null;
    } else if (!c) {
      events.push({ type: "close", path, line: this.line });
    }
  }

  private openPath(): string | null {
    return this.stack.length ? this.stack.map(localName).join("/") : null;
  }

  private advance(to: number): void {
    this.line += countNewlines(this.buf.slice(this.pos, to));
    this.pos = to;
  }

  /** Drops what was consumed, keeping a captured element's text until it closes. */
  private compact(): void {
    const keep = this.capturing ? this.capturing.start : this.pos;
    if (this.capturing && this.buf.length - keep > this.options.limits.maxElementBytes) {
      throw camtError(
        "xml_element_too_large",
        this.capturing.line,
        this.capturing.path.join("/"),
        `<${this.capturing.path.at(-1)}> is larger than ${this.options.limits.maxElementBytes} bytes`,
      );
    }
    if (keep === 0) return;
    this.buf = this.buf.slice(keep);
    this.pos -= keep;
    if (this.capturing) this.capturing.start -= keep;
  }
}

export function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Streams the events of a whole input. */
export async function* splitXml(
  input: AsyncIterable<Buffer | string>,
  options: SplitOptions,
): AsyncGenerator<XmlEvent> {
  const splitter = new XmlSplitter(options);
  for await (const chunk of input) yield* splitter.push(chunk as Buffer | string);
  yield* splitter.end();
}
