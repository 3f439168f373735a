import type { z } from "zod";

interface LayoutSections {
  recordTypes?: { header?: string[]; trailer?: string[] };
  header?: object;
  trailer?: object;
}

/** A header or trailer section needs a record type to find it by; caught when the mapping loads. */
export function checkLayoutConsistency(m: LayoutSections, ctx: z.RefinementCtx): void {
  for (const section of ["header", "trailer"] as const) {
    if (m[section] && !m.recordTypes?.[section]) {
      ctx.addIssue({
        code: "custom",
        path: [section],
        message: `a ${section} section needs recordTypes.${section}: the codes that mark the ${section} record`,
      });
    }
  }
}
