import { expect } from "chai";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ingestFile } from "../../src/ingest/pipeline";
import { SAMPLES_DIR } from "../../src/paths";
import { freshDatabase, type TestDatabase } from "../support/database";

const NORMAL = path.join(SAMPLES_DIR, "rpps", "normal-day.ach");
const BROKEN_TOTAL = path.join(SAMPLES_DIR, "rpps", "broken-batch-total.ach");

async function count(t: TestDatabase, sql: string, params: unknown[] = []): Promise<number> {
  const rows = (await t.db.query(sql, params)) as { n: string }[];
  return Number(rows[0].n);
}

describe("ingestion pipeline (ledger, one transaction per file)", () => {
  let t: TestDatabase;
  let work: string;

  beforeEach(async () => {
    t = await freshDatabase();
    work = mkdtempSync(path.join(tmpdir(), "billpay-pipeline-"));
  });
  afterEach(async () => {
    await t.close();
  });

  it("posts a normal RPPS day with every entry stored and the net total of its money", async () => {
    const result = await ingestFile(t.db, { aggregator: "rpps", path: NORMAL });
    expect(result.status).to.equal("posted");
    expect(result.errors).to.deep.equal([]);
    expect(await count(t, "SELECT count(*) AS n FROM payments WHERE file_id = $1", [result.fileId])).to.equal(
      result.payments,
    );
    const rows = (await t.db.query(
      `SELECT coalesce(sum(CASE kind WHEN 'payment' THEN amount_cents WHEN 'prenote' THEN 0 WHEN 'noc' THEN 0 ELSE -amount_cents END), 0)::text AS net
         FROM payments WHERE file_id = $1 AND status = 'active'`,
      [result.fileId],
    )) as { net: string }[];
    expect(Number(rows[0].net)).to.equal(result.totalCents);
    const file = (await t.db.query(
      "SELECT status, payment_count, total_cents::text AS total FROM remittance_files WHERE id = $1",
      [result.fileId],
    )) as {
      status: string;
      payment_count: number;
      total: string;
    }[];
    expect(file[0]).to.deep.equal({
      status: "posted",
      payment_count: result.payments,
      total: String(result.totalCents),
    });
  });

  it("a prenote is stored as a prenote and never counted as money", async () => {
    const result = await ingestFile(t.db, { aggregator: "rpps", path: NORMAL });
    expect(result.byKind.prenote?.count ?? 0).to.be.greaterThan(0);
    const sumPayments = result.byKind.payment?.totalCents ?? 0;
    const sumOut = (result.byKind.reversal?.totalCents ?? 0) + (result.byKind.return?.totalCents ?? 0);
    expect(result.totalCents).to.equal(sumPayments - sumOut);
  });

  it("a second copy of the same bytes is a duplicate and writes nothing", async () => {
    const first = await ingestFile(t.db, { aggregator: "rpps", path: NORMAL });
    const copy = path.join(work, "resent-under-another-name.ach");
    copyFileSync(NORMAL, copy);
    const before = await count(t, "SELECT count(*) AS n FROM payments");
    const filesBefore = await count(t, "SELECT count(*) AS n FROM remittance_files");
    const second = await ingestFile(t.db, { aggregator: "rpps", path: copy });
    expect(second.status).to.equal("duplicate");
    expect(second.fileId).to.equal(first.fileId);
    expect(await count(t, "SELECT count(*) AS n FROM payments")).to.equal(before);
    expect(await count(t, "SELECT count(*) AS n FROM remittance_files")).to.equal(filesBefore);
  });

  it("a file that fails its control totals is quarantined with its errors and zero payments", async () => {
    const result = await ingestFile(t.db, { aggregator: "rpps", path: BROKEN_TOTAL });
    expect(result.status).to.equal("quarantined");
    expect(result.errors.length).to.be.greaterThan(0);
    for (const e of result.errors) {
      expect(e).to.have.keys(["code", "line", "field", "message"]);
    }
    expect(await count(t, "SELECT count(*) AS n FROM payments")).to.equal(0);
    const rows = (await t.db.query("SELECT status, errors FROM remittance_files WHERE id = $1", [result.fileId])) as {
      status: string;
      errors: unknown[];
    }[];
    expect(rows[0].status).to.equal("quarantined");
    expect(rows[0].errors).to.deep.equal(result.errors);
    // Finance still sees what the file declared beside what was parsed, down to the wrong batch.
    const controls = (await t.db.query("SELECT controls FROM remittance_files WHERE id = $1", [result.fileId])) as {
      controls: { line: number; declaredTotalCents: number; parsedTotalCents: number }[];
    }[];
    const wrong = controls[0].controls.filter((c) => c.declaredTotalCents !== c.parsedTotalCents);
    expect(wrong.map((c) => c.line)).to.include(result.errors[0].line);
    const again = await ingestFile(t.db, { aggregator: "rpps", path: BROKEN_TOTAL });
    expect(again.status).to.equal("duplicate");
  });

  it("a failure halfway through posting leaves zero payments and the file retryable", async () => {
    let batches = 0;
    let thrown: unknown = null;
    try {
      await ingestFile(
        t.db,
        { aggregator: "rpps", path: NORMAL },
        {
          batchSize: 5,
          afterBatch: () => {
            batches += 1;
            if (batches === 2) throw new Error("power cut while posting");
          },
        },
      );
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error | null)?.message).to.equal("power cut while posting");
    expect(await count(t, "SELECT count(*) AS n FROM payments")).to.equal(0);
    const rows = (await t.db.query("SELECT status FROM remittance_files")) as { status: string }[];
    expect(rows.map((r) => r.status)).to.deep.equal(["failed"]);

    const retry = await ingestFile(t.db, { aggregator: "rpps", path: NORMAL });
    expect(retry.status).to.equal("posted");
    expect(await count(t, "SELECT count(*) AS n FROM payments")).to.equal(retry.payments);
    expect(await count(t, "SELECT count(*) AS n FROM remittance_files")).to.equal(1);
  });

  it("a resend with the same header identity but other bytes is posted with a same_file_identity warning", async () => {
    const first = await ingestFile(t.db, { aggregator: "rpps", path: NORMAL });
    // Trailing blanks trimmed: other bytes, same file header identity, same payments.
    const trimmed = path.join(work, "trimmed.ach");
    writeFileSync(
      trimmed,
      readFileSync(NORMAL, "latin1")
        .split(/\r?\n/)
        .map((l) => l.trimEnd())
        .join("\n"),
      "latin1",
    );
    const second = await ingestFile(t.db, { aggregator: "rpps", path: trimmed });
    expect(second.status).to.equal("posted");
    expect(second.warnings.map((w) => w.code)).to.include("same_file_identity");
    expect(second.warnings.find((w) => w.code === "same_file_identity")?.message).to.include(first.fileId!);
    expect(second.totalCents).to.equal(0);
  });

  it("the same payments resent inside a new file header are stored once as money, the rest linked as duplicates", async () => {
    const first = await ingestFile(t.db, { aggregator: "rpps", path: NORMAL });
    // Another file: the same entries with a new file creation time (bytes differ, payments do not).
    const lines = readFileSync(NORMAL, "latin1").split(/\r?\n/);
    lines[0] = `${lines[0].slice(0, 29)}2359${lines[0].slice(33)}`;
    const resent = path.join(work, "resent.ach");
    writeFileSync(resent, lines.join("\n"), "latin1");
    const second = await ingestFile(t.db, { aggregator: "rpps", path: resent });
    expect(second.status).to.equal("posted");
    expect(second.duplicatePayments).to.be.greaterThan(0);
    // Every entry carries a trace, so nothing in the resent file counts as money again.
    expect(first.totalCents).to.not.equal(0);
    expect(second.totalCents).to.equal(0);
    const active = await count(
      t,
      "SELECT count(*) AS n FROM payments WHERE status = 'active' AND source_ref IS NOT NULL AND file_id = $1",
      [second.fileId],
    );
    expect(active).to.equal(0);
    const linked = await count(
      t,
      "SELECT count(*) AS n FROM payments p JOIN payments o ON o.id = p.duplicate_of WHERE p.file_id = $1 AND o.file_id = $2",
      [second.fileId, first.fileId],
    );
    expect(linked).to.equal(second.duplicatePayments);
  });
});
