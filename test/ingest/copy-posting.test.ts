import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  nachaFileLines,
  RPPS_FILE_HEADER,
  writeLines,
  writeRppsFile,
  type BatchSpec,
} from "../../adapters/nacha/generate";
import { loadAggregatorMapping } from "../../src/config/mapping-loader";
import { ingestFile } from "../../src/ingest/pipeline";
import { freshDatabase, type TestDatabase } from "../support/database";

/** Entry (0-based, in file order) → the earlier entry whose trace it repeats (same amount and date, so the same payment). */
const REPEATS: [number, number][] = [
  [3, 2], // in the same COPY batch of 4
  [5, 1], // the next batch
  [9, 1], // a later one, a second repeat
  [25, 2], // the other NACHA batch
  [33, 30],
];

function nachaBatch(n: number): BatchSpec {
  return {
    serviceClassCode: "220",
    companyName: "MA HEALTH CONNECTOR",
    companyIdentification: "9001234567",
    companyEntryDescription: "RPSPAYMENT",
    companyDescriptiveDate: "240318",
    effectiveEntryDate: "240321",
    originatingDfi: "99900000",
    receivingDfi: "",
    entries: Array.from({ length: 20 }, (_, i) => ({
      amountCents: 5000,
      // COPY text must carry tabs, backslashes and letters beyond ASCII through unchanged.
      name: `M\t${n}\\${i} ÄÖ`,
      account: `7${String(10000000 + (n * 20 + i) * 7919).padStart(8, "0")}`,
    })),
  };
}

/** An RPPS file of 40 payments of which five repeat an earlier one's trace; controls still right. */
async function fileWithRepeats(dir: string): Promise<{ file: string; entryLines: number[] }> {
  const lines = [
    ...nachaFileLines({
      ...RPPS_FILE_HEADER,
      fileCreationDate: "240320",
      fileCreationTime: "2130",
      fileIdModifier: "B",
      batches: [nachaBatch(0), nachaBatch(1)],
    }),
  ];
  const entryLines = lines.flatMap((l, i) => (l.startsWith("6") ? [i + 1] : []));
  for (const [repeat, first] of REPEATS) {
    const at = entryLines[repeat] - 1;
    lines[at] = lines[at].slice(0, 79) + lines[entryLines[first] - 1].slice(79, 94);
  }
  const file = path.join(dir, "repeats.ach");
  await writeLines(file, lines);
  return { file, entryLines };
}

type Row = {
  line: number;
  status: string;
  first_line: number | null;
  last_finding: string | null;
  payer_name: string;
  raw: string;
};

describe("posting by COPY: duplicates inside one file and what COPY text carries", () => {
  let t: TestDatabase;
  let work: string;

  before(async () => {
    t = await freshDatabase();
    work = mkdtempSync(path.join(tmpdir(), "billpay-copy-posting-"));
  });
  after(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  for (const batchSize of [1, 4, undefined]) {
    it(`a payment repeated inside one file is stored once as money, each repeat linked to the first (batches of ${batchSize ?? "default"})`, async () => {
      const { file, entryLines } = await fileWithRepeats(work);
      // Its own aggregator per run: the same file again under "rpps" would be the same bytes.
      const aggregator = `rpps-repeats-${batchSize ?? "default"}`;
      const result = await ingestFile(
        t.db,
        { aggregator, path: file, mapping: loadAggregatorMapping("rpps") },
        { batchSize, match: false },
      );
      expect(result.status).to.equal("posted");
      expect(result.payments).to.equal(40);
      expect(result.duplicatePayments).to.equal(REPEATS.length);
      expect(result.totalCents).to.equal((40 - REPEATS.length) * 5000);
      const rows = (await t.db.query(
        `SELECT p.line, p.status, o.line AS first_line, p.findings -> -1 ->> 'code' AS last_finding, p.payer_name, p.raw
           FROM payments p LEFT JOIN payments o ON o.id = p.duplicate_of
          WHERE p.file_id = $1 ORDER BY p.line`,
        [result.fileId],
      )) as Row[];
      const firstOf = new Map(REPEATS.map(([repeat, first]) => [entryLines[repeat], entryLines[first]]));
      expect(rows.map((r) => [r.line, r.status, r.first_line])).to.deep.equal(
        entryLines.map((line) => (firstOf.has(line) ? [line, "duplicate", firstOf.get(line)] : [line, "active", null])),
      );
      for (const r of rows) if (r.status === "duplicate") expect(r.last_finding).to.equal("duplicate_payment");
      const fileLines = readFileSync(file, "utf8").split("\n");
      expect(rows.map((r) => r.raw)).to.deep.equal(entryLines.map((line) => fileLines[line - 1]));
      expect(rows.map((r) => r.payer_name)).to.deep.equal(
        entryLines.map((_, i) => `M\t${Math.floor(i / 20)}\\${i % 20} ÄÖ`),
      );
    });
  }

  it("the same file resent under a new header: every payment a duplicate linked to the first file's", async () => {
    const aggregator = "rpps-repeats-resent";
    const mapping = loadAggregatorMapping("rpps");
    const { file } = await fileWithRepeats(work);
    const first = await ingestFile(t.db, { aggregator, path: file, mapping }, { batchSize: 4, match: false });
    const lines = readFileSync(file, "utf8").split("\n");
    lines[0] = `${lines[0].slice(0, 29)}2359${lines[0].slice(33)}`;
    const resent = path.join(work, "resent.ach");
    await writeLines(resent, lines.slice(0, -1));
    const second = await ingestFile(t.db, { aggregator, path: resent, mapping }, { batchSize: 3, match: false });
    expect([second.status, second.payments, second.duplicatePayments, second.totalCents]).to.deep.equal([
      "posted",
      40,
      40,
      0,
    ]);
    const links = (await t.db.query(
      `SELECT count(*)::int AS n FROM payments p JOIN payments o ON o.id = p.duplicate_of
        WHERE p.file_id = $1 AND o.file_id = $2 AND o.status = 'active'`,
      [second.fileId, first.fileId],
    )) as { n: number }[];
    expect(links[0].n).to.equal(40);
  });

  it("two files carrying the same payments posted at the same time: each payment active once, the other linked to it", async () => {
    const aggregator = "rpps-concurrent";
    const mapping = loadAggregatorMapping("rpps");
    const first = path.join(work, "concurrent-a.ach");
    await writeRppsFile(first, 300);
    // Another file (a new creation time, so other bytes) with the very same payments.
    const lines = readFileSync(first, "utf8").split("\n");
    lines[0] = `${lines[0].slice(0, 29)}2359${lines[0].slice(33)}`;
    const second = path.join(work, "concurrent-b.ach");
    await writeLines(second, lines.slice(0, -1));
    // Small batches: both postings are part-way through their COPYs when they meet.
    const post = (file: string) =>
      ingestFile(t.db, { aggregator, path: file, mapping }, { batchSize: 50, match: false });
    const results = await Promise.all([post(first), post(second)]);
    expect(results.map((r) => r.status)).to.deep.equal(["posted", "posted"]);
    expect(results.map((r) => r.duplicatePayments).sort((a, b) => a - b)).to.deep.equal([0, 300]);
    const [active] = (await t.db.query(
      `SELECT count(*)::int AS n FROM payments WHERE aggregator = $1 AND status = 'active'`,
      [aggregator],
    )) as { n: number }[];
    expect(active.n).to.equal(300);
    const [linked] = (await t.db.query(
      `SELECT count(*)::int AS n FROM payments p JOIN payments o ON o.id = p.duplicate_of
        WHERE p.aggregator = $1 AND p.status = 'duplicate' AND o.status = 'active' AND o.file_id <> p.file_id`,
      [aggregator],
    )) as { n: number }[];
    expect(linked.n).to.equal(300);
  });
});
