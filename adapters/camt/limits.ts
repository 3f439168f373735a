import { z } from "zod";

/**
 * Bounds on untrusted XML (ARCHITECTURE.md, Safety). The reader streams, so memory is bounded by
 * the largest single element it keeps (`maxElementBytes`), not by the file; `maxBytes` bounds the
 * work a hostile or runaway file can cause.
 */
export const XmlLimits = z
  .object({
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024)
      .describe("Largest file accepted, in bytes; a larger file is a FormatError (file_too_large)."),
    maxDepth: z
      .number()
      .int()
      .min(8)
      .max(200)
      .default(40)
      .describe("Deepest element nesting accepted; ISO 20022 camt documents need about 15."),
    maxElementBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024)
      .describe(
        "Largest single entry (Ntry) or header block held in memory at once, in bytes; bounds memory per file.",
      ),
  })
  .strict()
  .describe("Size and depth bounds for the untrusted XML input.");
export type XmlLimits = z.output<typeof XmlLimits>;

export const DEFAULT_XML_LIMITS: XmlLimits = XmlLimits.parse({});
