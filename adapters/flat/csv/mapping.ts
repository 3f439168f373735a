import { z } from "zod";
import { mappingBase } from "../../../src/adapter-kit/mapping";
import { flatLayoutSchemas } from "../layout";
import { checkLayoutConsistency } from "../layout-checks";

/** A CSV field is a column: by the name the file's header row gives it, or by 1-based position. */
export const CsvFieldRef = z.object({
  column: z
    .union([z.string().min(1), z.number().int().min(1)])
    .describe('The column: its name in the header row ("Send Date"), or its 1-based position (4).'),
});
export type CsvFieldRef = z.infer<typeof CsvFieldRef>;

const { Layout } = flatLayoutSchemas(CsvFieldRef);

export const CsvOptions = z
  .object({
    delimiter: z.string().min(1).max(4).default(",").describe("The field separator."),
    quote: z.string().length(1).default('"').describe("The quote character (doubled inside a quoted field)."),
    headerRow: z.boolean().default(false).describe("The first record (after skipLines) names the columns."),
    skipLines: z.number().int().min(0).default(0).describe("Lines of preamble before the first record."),
    relaxQuotes: z.boolean().default(false).describe("Accept a quote inside an unquoted field."),
  })
  .strict()
  .describe("How the file is split into records and columns.");

export const CsvMapping = mappingBase("csv")
  .extend({
    csv: CsvOptions.default({ delimiter: ",", quote: '"', headerRow: false, skipLines: 0, relaxQuotes: false }),
    ...Layout,
  })
  .strict()
  .superRefine((m, ctx) => {
    checkLayoutConsistency(m, ctx);
    if (m.csv.headerRow) return;
    const named = namedColumns(m);
    if (named.length) {
      ctx.addIssue({
        code: "custom",
        path: ["csv", "headerRow"],
        message: `columns are named (${named.slice(0, 3).join(", ")}) but the file has no header row: set csv.headerRow: true or use column numbers`,
      });
    }
  });
export type CsvMapping = z.output<typeof CsvMapping>;

/** Every column name the mapping refers to, anywhere. */
export function namedColumns(value: unknown): string[] {
  const names: string[] = [];
  const visit = (v: unknown): void => {
    if (!v || typeof v !== "object") return;
    const column = (v as { column?: unknown }).column;
    if (typeof column === "string") names.push(column);
    Object.values(v).forEach(visit);
  };
  visit(value);
  return [...new Set(names)];
}
