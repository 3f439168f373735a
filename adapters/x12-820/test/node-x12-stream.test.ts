import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { X12Parser } from "node-x12";
import { readSegments } from "../segment-reader";
import { SAMPLES_DIR } from "../../../src/paths";

/**
 * Why adapters/x12-820 reads segments itself instead of through node-x12: its stream parser loses
 * segments when a file arrives in chunks, as every file read from disk or SFTP does. When this test
 * starts failing, node-x12 has been fixed and the reader can be replaced by it.
 */
describe("node-x12 1.7.1 as a streaming segment reader", () => {
  const text = readFileSync(path.join(SAMPLES_DIR, "x12-820", "normal-day.x12"), "utf8");
  const chunks = (): string[] => {
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 100) out.push(text.slice(i, i + 100));
    return out;
  };

  it("node-x12 reads the whole document given as one string", () => {
    const interchange = new X12Parser().parse(text);
    expect(interchange).to.be.an("object");
  });

  it("node-x12's stream parser loses segments of a chunked file, where our reader keeps every one", async () => {
    const ours: string[] = [];
    for await (const segment of readSegments(Readable.from(chunks()))) ours.push(segment.tag);
    expect(ours[0]).to.equal("ISA");
    expect(ours.at(-1)).to.equal("IEA");

    const theirs: string[] = [];
    await new Promise<void>((resolve) => {
      const parser = new X12Parser();
      parser.on("data", (s: { tag: string }) => theirs.push(s.tag));
      parser.on("end", resolve);
      parser.on("error", () => resolve());
      Readable.from(chunks()).pipe(parser);
    });
    expect(theirs.length).to.be.lessThan(ours.length);
  });
});
