import { sampleEncoding } from "../../src/adapter-kit/text-decoding";
import { formatAmount, parseAmount } from "./amounts";
import type { FieldAccess, FlatLayout, TextField } from "./types";

/** How a family reads one physical line into cells and writes a field back. */
export interface LineCodec<C, F> {
  access: FieldAccess<C, F>;
  /** Cells of one line; null when the line is not a record on its own (a multi-line CSV record). */
  split(line: string): C | null;
  /** The line with one field replaced by `value` (already formatted for that field). */
  write(line: string, cells: C, field: F, value: string): string;
  /** Lines before the first record (CSV preamble and column names). */
  leadingLines: number;
}

/**
 * A larger file of the same shape, for the conformance suite's memory test: every detail record
 * is repeated `factor` times and the trailer's count and total are scaled to match, so the
 * result still passes its own controls. Null when the sample cannot be amplified line by line.
 */
export function amplifyFlat<C, F>(
  sample: Buffer,
  factor: number,
  layout: FlatLayout<F>,
  codec: LineCodec<C, F>,
): Buffer | null {
  const encoding = sampleEncoding(sample, layout.encoding);
  const text = sample.toString(encoding);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  const rt = layout.recordTypes;
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (i < codec.leadingLines || line.trim() === "") {
      out.push(line);
      continue;
    }
    const cells = codec.split(line);
    if (cells === null) return null;
    const code = rt ? read(codec, cells, rt.field) : null;
    const role = !rt
      ? "detail"
      : rt.detail.includes(code ?? "")
        ? "detail"
        : rt.trailer?.includes(code ?? "")
          ? "trailer"
          : "other";
    if (role === "detail") {
      for (let n = 0; n < factor; n++) out.push(line);
    } else if (role === "trailer") {
      const scaled = scaleTrailer(line, cells, factor, layout, codec);
      if (scaled === null) return null;
      out.push(scaled);
    } else {
      out.push(line);
    }
  }
  return Buffer.from(out.join(eol) + eol, encoding);
}

function scaleTrailer<C, F>(
  line: string,
  cells: C,
  factor: number,
  layout: FlatLayout<F>,
  codec: LineCodec<C, F>,
): string | null {
  const { count, total } = layout.trailer ?? {};
  let result = line;
  if (count) {
    const declared = read(codec, cells, count);
    if (declared === null || !/^\d+$/.test(declared)) return null;
    const value = String(Number(declared) * factor);
    result = codec.write(result, cells, count, value.padStart(declared.length, "0"));
  }
  if (total) {
    const text = codec.access.read(cells, total);
    const sign = total.signField ? codec.access.read(cells, total.signField) : undefined;
    if (text === undefined) return null;
    const cents = parseAmount(text, total, sign);
    if (typeof cents === "string") return null;
    const width = /^\s*0\d/.test(text) ? text.length : undefined;
    const formatted = formatAmount(cents * factor, total, width);
    let cellsNow = codec.split(result);
    if (cellsNow === null) return null;
    result = codec.write(result, cellsNow, total, formatted.amount);
    if (total.signField && formatted.sign !== null) {
      cellsNow = codec.split(result);
      if (cellsNow === null) return null;
      result = codec.write(result, cellsNow, total.signField, formatted.sign);
    }
  }
  return result;
}

function read<C, F>(codec: LineCodec<C, F>, cells: C, field: TextField<F>): string | null {
  const value = codec.access.read(cells, field);
  if (value === undefined) return null;
  return field.trim ? value.trim() : value;
}
