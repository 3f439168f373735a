import { FormatError } from "./format-error";

/** Character sets a flat-file mapping may declare. `latin1` is ISO-8859-1, one byte per character. */
export const TEXT_ENCODINGS = ["utf-8", "latin1", "windows-1252"] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

/**
 * Decodes a byte stream into text chunk by chunk: a multi-byte character split across two
 * chunks is held back until its last byte arrives, so nothing is read ahead beyond one chunk.
 */
export async function* decodeChunks(input: AsyncIterable<Buffer | string>, encoding: TextEncodingName = "utf-8"): AsyncGenerator<string> {
  // ISO-8859-1 maps every byte to the code point of the same value; Buffer does that exactly
  // (TextDecoder's "latin1" label means windows-1252 in the WHATWG standard).
  const decoder = encoding === "latin1" ? null : new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  for await (const chunk of input) {
    if (typeof chunk === "string") {
      if (chunk) yield chunk;
      continue;
    }
    const text = decoder ? decoder.decode(chunk, { stream: true }) : chunk.toString("latin1");
    if (text) yield text;
  }
  const rest = decoder?.decode() ?? "";
  if (rest) yield rest;
}

/** A decoded line that holds U+FFFD had bytes that are not valid in the declared encoding. */
export function checkDecoded(text: string, line: number, encoding: TextEncodingName): FormatError | null {
  if (encoding !== "utf-8" || !text.includes("\uFFFD")) return null;
  return new FormatError("invalid_encoding", line, null, `bytes that are not valid ${encoding}`);
}
