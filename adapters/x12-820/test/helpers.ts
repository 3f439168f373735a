export interface Delims {
  element: string;
  component: string;
  segment: string;
  repetition?: string;
  /** Written after every segment terminator (e.g. "\r\n" or "\n  "). */
  after?: string;
}

export const STAR: Delims = { element: "*", component: ":", segment: "~", repetition: "^" };

/** A well-formed 106-character ISA with the given delimiters. */
export function isa(d: Delims, control = "000000001", version = "00501"): string {
  const f = [
    "ISA",
    "00",
    " ".repeat(10),
    "00",
    " ".repeat(10),
    "ZZ",
    "SENDER".padEnd(15),
    "ZZ",
    "RECEIVER".padEnd(15),
    "170320",
    "0930",
  ];
  f.push(version >= "00402" ? (d.repetition ?? "^") : "U", version, control, "0", "P", d.component);
  return `${f.join(d.element)}${d.segment}`;
}

/** Segments written with the delimiters; each segment is an array of elements, tag first. */
export function segments(d: Delims, segs: string[][]): string {
  return segs.map((s) => `${s.join(d.element)}${d.segment}${d.after ?? ""}`).join("");
}

/** An 820 transaction body (between ST and SE): BPR with `total`, TRN, one ENT/NM1/RMR per amount. */
export function body820(total: string, amounts: string[], extra: string[][] = []): string[][] {
  const segs: string[][] = [
    ["BPR", "C", total, "C", "ACH", "CCP", "", "", "", "", "", "", "", "", "", "", "20170320"],
    ["TRN", "1", "TRACE1"],
    ["N1", "PE", "MA HEALTH CONNECTOR"],
  ];
  amounts.forEach((a, i) =>
    segs.push(["ENT", String(i + 1), "2J"], ["NM1", "IL", "1", "DOE", "JAN"], ["RMR", "11", `71234567${i}`, "", a]),
  );
  return [...segs, ...extra];
}

export interface EnvelopeOptions {
  st?: string;
  se01?: string;
  se02?: string;
  ge01?: string;
  ge02?: string;
  iea01?: string;
  iea02?: string;
  gs08?: string;
  st03?: string | null;
}

/** ISA … IEA around one 820 transaction with correct controls unless overridden. */
export function interchange(d: Delims, body: string[][], o: EnvelopeOptions = {}): string {
  const st = o.st ?? "0001";
  const stSeg = ["ST", "820", st, ...(o.st03 === null ? [] : [o.st03 ?? "005010X218"])];
  const tx = [stSeg, ...body, ["SE", o.se01 ?? String(body.length + 2), o.se02 ?? st]];
  const all = [
    ["GS", "RA", "S", "R", "20170320", "0930", "7", "X", o.gs08 ?? "005010X218"],
    ...tx,
    ["GE", o.ge01 ?? "1", o.ge02 ?? "7"],
    ["IEA", o.iea01 ?? "1", o.iea02 ?? "000000001"],
  ];
  return `${isa(d)}${d.after ?? ""}${segments(d, all)}`;
}

/** A text as an async byte stream cut into pieces of `size` characters. */
export async function* chunked(text: string, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
}
