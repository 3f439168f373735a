import { amplifyFlat } from "../amplify";
import type { FixedWidthMapping } from "./mapping";
import { fixedWidthAccess } from "./parse";

/** A fixed-width file with every detail record repeated `factor` times and its trailer scaled to match. */
export function amplifyFixedWidth(sample: Buffer, factor: number, mapping: FixedWidthMapping): Buffer | null {
  try {
    return amplifyFlat(sample, factor, mapping, {
      access: fixedWidthAccess(mapping),
      leadingLines: 0,
      split: (line) => line,
      write(line, _cells, field, value) {
        const width = field.end - field.start + 1;
        if (value.length > width) throw new RangeError(`${value} does not fit positions ${field.start}-${field.end}`);
        return line.slice(0, field.start - 1) + value.padEnd(width) + line.slice(field.end);
      },
    });
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
