import { XMLParser } from "fast-xml-parser";
import { camtError } from "./errors";
import { countNewlines } from "./xml-splitter";

/** A parsed element: child elements by local name, `#text` for text beside attributes, `@_Ccy` … */
export interface XmlNode {
  [name: string]: XmlValue;
}
export type XmlValue = string | XmlNode | XmlValue[];

/** One captured element, parsed, with what is needed to give any part of it a line number. */
export interface Fragment {
  text: string;
  /** Line of the element's start tag in the file. */
  line: number;
  root: XmlNode;
}

/** Elements that may repeat where camt reads them; always arrays so one and many read alike. */
const REPEATING = new Set(["NtryDtls", "TxDtls", "Ustrd", "Strd", "AdrLine", "CdtrRefInf"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // Values stay strings: amounts go through decimalToCents, references keep their leading zeros.
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  captureMetaData: true,
  isArray: (name: string) => REPEATING.has(name),
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

interface NodeMeta {
  startIndex?: number;
  endIndex?: number;
}

/** Parses one captured element (validating it); a defect is a FormatError at its line in the file. */
export function parseFragment(text: string, line: number, name: string): Fragment {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message;
    const at = /:(\d+):(\d+)$/.exec(message);
    throw camtError("xml_malformed", at ? line + Number(at[1]) - 1 : line, name, message.replace(/:\d+:\d+$/, ""));
  }
  const value = doc[name];
  const root: XmlNode = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as XmlNode) : {};
  if (typeof value === "object" && value !== null)
    (root as Record<symbol, unknown>)[META] ??= { startIndex: 0, endIndex: text.length };
  return { text, line, root };
}

function meta(node: XmlNode): NodeMeta | undefined {
  return (node as Record<symbol, NodeMeta | undefined>)[META];
}

/** Line in the file of an element node of this fragment (its start tag). */
export function nodeLine(fragment: Fragment, node: XmlNode): number {
  const start = meta(node)?.startIndex;
  return start === undefined ? fragment.line : fragment.line + countNewlines(fragment.text.slice(0, start));
}

/** The element's own text as it appears in the file. */
export function nodeText(fragment: Fragment, node: XmlNode): string {
  const m = meta(node);
  return m?.startIndex !== undefined && m.endIndex !== undefined
    ? fragment.text.slice(m.startIndex, m.endIndex)
    : fragment.text;
}

/**
 * Line of a leaf child (`<Sum>` inside `<TtlNtries>`): fast-xml-parser keeps positions for element
 * nodes only, so the child's start tag is looked up inside its parent's span.
 */
export function childLine(fragment: Fragment, parent: XmlNode, ...path: string[]): number {
  const m = meta(parent);
  let from = m?.startIndex ?? 0;
  const to = m?.endIndex ?? fragment.text.length;
  for (const name of path) {
    const re = new RegExp(`<(?:[\\w.-]+:)?${name}[\\s/>]`, "g");
    re.lastIndex = from;
    const hit = re.exec(fragment.text);
    if (!hit || hit.index >= to) break;
    from = hit.index;
  }
  return fragment.line + countNewlines(fragment.text.slice(0, from));
}

function step(values: XmlValue[], name: string): XmlValue[] {
  const out: XmlValue[] = [];
  for (const v of values) {
    if (typeof v !== "object" || Array.isArray(v)) continue;
    const child = v[name];
    if (child === undefined) continue;
    if (Array.isArray(child)) out.push(...child);
    else out.push(child);
  }
  return out;
}

function textOf(value: XmlValue): string | null {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return null;
  const t = value["#text"];
  return typeof t === "string" ? t : null;
}

/** Every value at a path of element names ("RmtInf", "Strd", "CdtrRefInf", "Ref"), in order. */
export function values(node: XmlNode | null | undefined, ...path: string[]): XmlValue[] {
  if (!node) return [];
  let current: XmlValue[] = [node];
  for (const name of path) current = step(current, name);
  return current;
}

/** Non-blank texts at a path. */
export function texts(node: XmlNode | null | undefined, ...path: string[]): string[] {
  return values(node, ...path)
    .map(textOf)
    .filter((t): t is string => t !== null && t.trim() !== "");
}

/** The first non-blank text at a path, or null. */
export function text(node: XmlNode | null | undefined, ...path: string[]): string | null {
  return texts(node, ...path)[0] ?? null;
}

/** Element nodes at a path (elements with only text are skipped). */
export function nodes(node: XmlNode | null | undefined, ...path: string[]): XmlNode[] {
  return values(node, ...path).filter((v): v is XmlNode => typeof v === "object" && !Array.isArray(v));
}

export function child(node: XmlNode | null | undefined, ...path: string[]): XmlNode | null {
  return nodes(node, ...path)[0] ?? null;
}

/** Whether an element is present at a path, even empty. */
export function has(node: XmlNode | null | undefined, ...path: string[]): boolean {
  return values(node, ...path).length > 0;
}

/** An amount element: its decimal text and `Ccy` attribute. */
export function amountAt(
  node: XmlNode | null | undefined,
  ...path: string[]
): { text: string; currency: string | null } | null {
  const v = values(node, ...path)[0];
  if (v === undefined) return null;
  const t = textOf(v);
  if (t === null) return null;
  const ccy = typeof v === "object" && !Array.isArray(v) && typeof v["@_Ccy"] === "string" ? v["@_Ccy"] : null;
  return { text: t, currency: ccy };
}
