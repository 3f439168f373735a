import { expect } from "chai";
import fc from "fast-check";
import { FormatError } from "../../src/adapter-kit/format-error";
import { Readable } from "node:stream";
import { readLineChunks, readLines } from "../../src/adapter-kit/line-reader";

async function lines(chunks: (string | Buffer)[], options = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(
    (async function* () {
      yield* chunks;
    })(),
    options,
  ))
    out.push(`${l.line}:${l.text}`);
  return out;
}

describe("line reader", () => {
  it("numbers lines ended by LF, CRLF or a lone CR, and keeps a last line with no end", async () => {
    expect(await lines(["a\nb\r\nc\rd"])).to.deep.equal(["1:a", "2:b", "3:c", "4:d"]);
  });

  it("treats a CRLF split across two chunks as one line end", async () => {
    expect(await lines(["a\r", "\nb\r\n"])).to.deep.equal(["1:a", "2:b"]);
  });

  it("gives the same lines however the bytes are chunked", async () => {
    const text = "H1\r\nD one\r\n\r\nD two\nT\r";
    const whole = await lines([text]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: text.length }), { maxLength: 6 }), async (cuts) => {
        const at = [...new Set(cuts)].sort((a, b) => a - b);
        const parts = [0, ...at].map((start, i) => text.slice(start, [...at, text.length][i]));
        expect(await lines(parts)).to.deep.equal(whole);
      }),
    );
  });

  it("decodes a UTF-8 character split across chunks", async () => {
    const bytes = Buffer.from("JOSÉ\n", "utf8");
    expect(await lines([bytes.subarray(0, 4), bytes.subarray(4)])).to.deep.equal(["1:JOSÉ"]);
  });

  it("reads ISO-8859-1 byte for byte", async () => {
    expect(await lines([Buffer.from([0x4a, 0xc9, 0x80, 0x0a])], { encoding: "latin1" })).to.deep.equal([
      "1:J\u00c9\u0080",
    ]);
  });

  it("stops with a FormatError on a line longer than the limit instead of holding it", async () => {
    try {
      await lines(["x".repeat(50), "y".repeat(50)], { maxLineLength: 80 });
      expect.fail("no error");
    } catch (error) {
      expect(error).to.be.instanceOf(FormatError);
      expect((error as FormatError).code).to.equal("line_too_long");
    }
  });
});

describe("line reader in chunks", () => {
  it("numbers the lines of each chunk from 1 across chunks, CR stripped before LF", async () => {
    const chunks = ["ab\r", "\ncd\n", "e", "f\r\ng"];
    const got: [number, string][] = [];
    for await (const c of readLineChunks(Readable.from(chunks.map((s) => Buffer.from(s))))) {
      c.lines.forEach((l, i) => got.push([c.firstLineNo + i, l]));
    }
    expect(got).to.deep.equal([
      [1, "ab"],
      [2, "cd"],
      [3, "ef"],
      [4, "g"],
    ]);
  });
});
