import { WINDOWS_1252_80_9F } from "../../src/adapter-kit/text-decoding";

const HIGH = new Map([...WINDOWS_1252_80_9F].map((c, i) => [c, 0x80 + i]));

/** Text as Windows-1252 bytes, for tests (Node has no such encoder); every character must exist there. */
export function windows1252(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      const code = HIGH.get(c) ?? c.charCodeAt(0);
      if (code > 0xff || (code >= 0x80 && code < 0xa0 && !HIGH.has(c)))
        throw new RangeError(`${c} is not in Windows-1252`);
      return code;
    }),
  );
}
