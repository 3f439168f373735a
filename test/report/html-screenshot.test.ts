import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { buildReport, renderReport } from "../../src/report";
import { freshDatabase, type TestDatabase } from "../support/database";
import { AS_OF, loadSamples } from "./support";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((c) => existsSync(c));

/** Width, height and a sample of decoded pixel rows of a PNG (8-bit RGB/RGBA, as Chromium writes). */
function decodePng(file: string): { width: number; height: number; distinctRows: number; distinctBytes: number } {
  const png = readFileSync(file);
  expect(png.subarray(0, 8).toString("hex")).to.equal("89504e470d0a1a0a");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString("ascii", at + 4, at + 8);
    if (type === "IDAT") chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = raw.length / height;
  const rows = new Set<string>();
  const bytes = new Set<number>();
  for (let y = 0; y < height; y += 10) {
    const row = raw.subarray(y * stride + 1, (y + 1) * stride);
    rows.add(row.toString("base64"));
    for (let x = 0; x < row.length; x += 7) bytes.add(row[x]);
  }
  return { width, height, distinctRows: rows.size, distinctBytes: bytes.size };
}

describe("the HTML reconciliation report in headless Chromium", function () {
  let t: TestDatabase;
  let html = "";
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-report-"));

  before(async function () {
    if (!CHROMIUM) this.skip(); // CI installs Debian's chromium; without it there is nothing to render with.
    t = await freshDatabase();
    await loadSamples(t);
    html = renderReport(await buildReport(t.db, { from: "2017-03-01", to: "2017-03-31", asOf: AS_OF }), "html");
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is one self-contained file that fetches nothing", () => {
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.not.match(/<script|<link|@import|url\(|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    expect(html).to.contain("<svg").and.contain("@media print");
  });

  it("renders to a non-blank screenshot", function () {
    this.timeout(120_000);
    const page = path.join(dir, "report.html");
    const shot = path.join(dir, "report.png");
    writeFileSync(page, html);
    const run = spawnSync(
      CHROMIUM as string,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${path.join(dir, "profile")}`,
        `--screenshot=${shot}`,
        "--window-size=1280,2000",
        `file://${page}`,
      ],
      { encoding: "utf8", timeout: 90_000 },
    );
    expect(existsSync(shot), `chromium wrote no screenshot: ${run.stderr}`).to.equal(true);
    expect(statSync(shot).size).to.be.greaterThan(20_000);
    const png = decodePng(shot);
    expect(png).to.include({ width: 1280, height: 2000 });
    expect(png.distinctRows, "rows differ: text, tables and charts were drawn").to.be.greaterThan(50);
    expect(png.distinctBytes, "more than a couple of colours").to.be.greaterThan(20);
  });
});
