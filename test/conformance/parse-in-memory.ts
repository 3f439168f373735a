import { Readable } from "node:stream";
import { asFormatErrors } from "../../src/adapter-kit/format-error";
import type { ParsedItem } from "../../src/adapter-kit/adapter";
import type { LoadedMapping } from "../../src/config/mapping-loader";
import { BankEntryDraft, PaymentDraft } from "../../src/model";

export type Outcome =
  | { kind: "ok"; payments: number; warnings: number }
  | { kind: "format"; codes: string[] }
  | { kind: "crash"; error: unknown };

/**
 * Parses bytes held in memory through the adapter and judges the result as the pipeline would:
 * FormatError(s), or a record the canonical schema refuses, is a format outcome; anything else
 * thrown is a crash.
 */
export async function parseBytes(loaded: LoadedMapping, bytes: Buffer, chunkSize = 64 * 1024): Promise<Outcome> {
  let payments = 0;
  let warnings = 0;
  try {
    for await (const item of loaded.adapter.parse(chunks(bytes, chunkSize), loaded.mapping, meta(loaded, bytes))) {
      const bad = invalidRecord(item);
      if (bad) return { kind: "format", codes: ["invalid_record"] };
      if (item.kind === "payment") payments += 1;
      if (item.kind === "warning") warnings += 1;
    }
  } catch (error) {
    const errors = asFormatErrors(error);
    return errors ? { kind: "format", codes: errors.map((e) => e.code) } : { kind: "crash", error };
  }
  return { kind: "ok", payments, warnings };
}

/** A stream over a buffer in fixed chunks, so adapters see chunk boundaries as on a real file. */
export function chunks(bytes: Buffer, size: number, onChunk?: (offset: number) => void): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) {
        onChunk?.(i);
        yield bytes.subarray(i, i + size);
      }
    })(),
  );
}

function meta(loaded: LoadedMapping, bytes: Buffer) {
  return { name: "conformance-input", aggregator: loaded.aggregator, sizeBytes: bytes.length };
}

function invalidRecord(item: ParsedItem): boolean {
  if (item.kind === "payment") return !PaymentDraft.safeParse(item.draft).success;
  if (item.kind === "bank_entry") return !BankEntryDraft.safeParse(item.entry).success;
  return false;
}
