import { expect } from "chai";
import fc from "fast-check";
import { readLines } from "../../src/adapter-kit/line-reader";
import {
  AutoDecoder,
  checkDecoded,
  decodeChunks,
  sampleEncoding,
  type TextEncodingName,
} from "../../src/adapter-kit/text-decoding";

async function* from(chunks: (Buffer | string)[]): AsyncGenerator<Buffer | string> {
  yield* chunks;
}

async function decode(chunks: (Buffer | string)[], encoding: TextEncodingName = "auto"): Promise<string> {
  let text = "";
  for await (const t of decodeChunks(from(chunks), encoding)) text += t;
  return text;
}

/** The bytes cut into pieces of `size` (1: every byte its own chunk). */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const UTF8 = Buffer.from("HEADER\nALVAREZ MARÍA   \nMÜLLER ÇA\n", "utf8");
const CP1252 = Buffer.concat([
  Buffer.from("HEADER\nALVAREZ MAR"),
  Buffer.from([0xcd]),
  Buffer.from("A   \nM"),
  Buffer.from([0xdc]),
  Buffer.from("LLER "),
  Buffer.from([0xc7]),
  Buffer.from("A\n"),
]);
const TEXT = "HEADER\nALVAREZ MARÍA   \nMÜLLER ÇA\n";

describe("text decoding: auto (UTF-8, else Windows-1252)", () => {
  it("reads valid UTF-8 as UTF-8 and anything else as Windows-1252, to the same text", async () => {
    expect(await decode([UTF8])).to.equal(TEXT);
    expect(await decode([CP1252])).to.equal(TEXT);
  });

  it("decodes a multi-byte character split across two chunks", async () => {
    const cut = UTF8.indexOf(0xc3) + 1; // between the two bytes of Í
    expect(await decode([UTF8.subarray(0, cut), UTF8.subarray(cut)])).to.equal(TEXT);
  });

  it("gives the same text one byte at a time, for both encodings", async () => {
    expect(await decode(chunked(UTF8, 1))).to.equal(TEXT);
    expect(await decode(chunked(CP1252, 1))).to.equal(TEXT);
  });

  it("gives the same lines however the bytes are chunked", async () => {
    const lines = async (chunks: Buffer[]) => {
      const out: string[] = [];
      for await (const l of readLines(from(chunks), { encoding: "auto" })) out.push(l.text);
      return out;
    };
    const expected = TEXT.trimEnd().split("\n");
    for (const bytes of [UTF8, CP1252]) {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 8 }), async (cuts) => {
          const at = [0, ...new Set(cuts)].sort((a, b) => a - b);
          expect(await lines(at.map((start, i) => bytes.subarray(start, at[i + 1] ?? bytes.length)))).to.deep.equal(
            expected,
          );
        }),
      );
    }
  });

  it("decides Windows-1252 on a later letter of the same line when the first one looks like UTF-8", async () => {
    // "Ã©" is C3 A9, a valid UTF-8 "é"; the É (C9) further on the line is not UTF-8.
    const bytes = Buffer.from([0x41, 0xc3, 0xa9, 0x20, 0xc9, 0x0a, 0x42, 0x0a]);
    expect(await decode(chunked(bytes, 1))).to.equal("AÃ© É\nB\n");
  });

  it("passes ASCII on at once and holds only the undecided rest of a line", () => {
    const d = new AutoDecoder();
    expect(d.push(Buffer.from("ASCII LINE\nJOS"))).to.equal("ASCII LINE\nJOS");
    expect(d.encoding).to.equal(null);
    expect(d.push(Buffer.from([0xc3]))).to.equal("");
    expect(d.push(Buffer.from([0x89, 0x20]))).to.equal("");
    expect(d.push(Buffer.from("X\n"))).to.equal("É X\n");
    expect(d.encoding).to.equal("utf-8");
  });

  it("decides on what it holds once a line runs past the hold limit, without its end", () => {
    const d = new AutoDecoder();
    expect(d.push(Buffer.from([0xe9, ...Buffer.from("x".repeat(70_000))]))).to.have.length(70_001);
    expect(d.encoding).to.equal("windows-1252");
  });

  it("reads Windows-1252's own letters (0x80-0x9F), where ISO-8859-1 has control codes", async () => {
    expect(await decode([Buffer.from([0x80, 0x20, 0x8a, 0x9c, 0x0a])])).to.equal("€ Šœ\n");
  });

  it("takes input that ends inside a UTF-8 character as Windows-1252", async () => {
    expect(await decode([Buffer.from([0x41, 0xc3])])).to.equal("AÃ");
  });

  it("drops a UTF-8 byte order mark at the start only", async () => {
    expect(await decode([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("MARÍA\n")])).to.equal("MARÍA\n");
  });

  it("keeps UTF-8 once decided: a later invalid byte is U+FFFD, which checkDecoded reports", async () => {
    const text = await decode([Buffer.from("MARÍA\n"), Buffer.from([0x4a, 0xc9, 0x0a])]);
    expect(text).to.equal("MARÍA\nJ\uFFFD\n");
    expect(checkDecoded("J\uFFFD", 2, "auto")).to.include({ code: "invalid_encoding", line: 2 });
    expect(checkDecoded("MARÍA", 1, "auto")).to.equal(null);
  });

  it("passes a pure-ASCII file through without deciding", () => {
    const d = new AutoDecoder();
    expect(d.push(Buffer.from("101 ABC\n"))).to.equal("101 ABC\n");
    expect(d.end()).to.equal("");
    expect(d.encoding).to.equal(null);
  });
});

describe("text decoding: declared encodings", () => {
  it("windows-1252 and latin1 differ on 0x80-0x9F only", async () => {
    const bytes = Buffer.from([0x80, 0xc9]);
    expect(await decode([bytes], "windows-1252")).to.equal("€É");
    expect(await decode([bytes], "latin1")).to.equal("\u0080É");
  });

  it("sampleEncoding reads a whole sample as the parser would", () => {
    expect(sampleEncoding(UTF8, "auto")).to.equal("utf8");
    expect(sampleEncoding(CP1252, "auto")).to.equal("latin1");
    expect(sampleEncoding(UTF8, "windows-1252")).to.equal("latin1");
  });
});
