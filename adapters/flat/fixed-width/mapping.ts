import { z } from "zod";
import { mappingBase } from "../../../src/adapter-kit/mapping";
import { flatLayoutSchemas } from "../layout";
import { checkLayoutConsistency } from "../layout-checks";

/** A fixed-width field: 1-based, inclusive positions, as layouts are published. */
export const FixedFieldRef = z.object({
  start: z.number().int().min(1).describe("First position of the field (1-based)."),
  end: z.number().int().min(1).describe("Last position of the field (inclusive)."),
});
export type FixedFieldRef = z.infer<typeof FixedFieldRef>;

// Fixed-width files come from older bank systems in either encoding: detect it unless declared.
const { Layout } = flatLayoutSchemas(FixedFieldRef, "auto");

export const FixedWidthOptions = z
  .object({
    recordLength: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Every record's length in characters; a record of another length is an error."),
    shortRecords: z
      .enum(["error", "pad"])
      .default("error")
      .describe(
        'A record shorter than recordLength: "error", or "pad" it with blanks (senders that trim trailing blanks).',
      ),
  })
  .strict()
  .describe("Record length rules.");

export const FixedWidthMapping = mappingBase("fixed-width")
  .extend({
    fixedWidth: FixedWidthOptions.default({ shortRecords: "error" }),
    ...Layout,
  })
  .strict()
  .superRefine((m, ctx) => {
    checkLayoutConsistency(m, ctx);
    for (const { path, start, end } of positions(m)) {
      if (end < start) ctx.addIssue({ code: "custom", path, message: `end (${end}) is before start (${start})` });
      else if (m.fixedWidth.recordLength !== undefined && end > m.fixedWidth.recordLength) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `end (${end}) is past recordLength (${m.fixedWidth.recordLength})`,
        });
      }
    }
  });
export type FixedWidthMapping = z.output<typeof FixedWidthMapping>;

/** Every field position the mapping declares, with its path for messages. */
function positions(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; start: number; end: number }[] {
  if (!value || typeof value !== "object") return [];
  const v = value as { start?: unknown; end?: unknown };
  const here = typeof v.start === "number" && typeof v.end === "number" ? [{ path, start: v.start, end: v.end }] : [];
  return [...here, ...Object.entries(value).flatMap(([k, child]) => positions(child, [...path, k]))];
}
