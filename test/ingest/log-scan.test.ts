import { expect } from "chai";
import { createReadStream, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAggregatorMapping } from "../../src/config/mapping-loader";
import { ingestFile } from "../../src/ingest/pipeline";
import { log, logToFile } from "../../src/log";
import { freshDatabase, type TestDatabase } from "../support/database";
import { sampleFiles } from "../support/goldens";

/** Every account value as typed in the samples (before any rule masked it), with 7+ digits. */
async function typedAccounts(): Promise<string[]> {
  const values = new Set<string>();
  for (const sample of sampleFiles()) {
    const loaded = loadAggregatorMapping(sample.aggregator);
    try {
      for await (const item of loaded.adapter.parse(createReadStream(sample.file), loaded.mapping, {
        name: path.basename(sample.file),
        aggregator: sample.aggregator,
      })) {
        const raw = item.kind === "payment" ? item.draft.accountRaw : null;
        if (raw && raw.replace(/\D/g, "").length >= 7) {
          values.add(raw.trim());
          values.add(raw.replace(/\D/g, ""));
        }
      }
    } catch {
      // Broken samples stop part-way; what they yielded before is still scanned for.
    }
  }
  return [...values];
}

describe("logs never hold a full account number or an SSN", () => {
  let t: TestDatabase;
  let logFile: string;
  const previousLevel = log.level;

  before(async () => {
    t = await freshDatabase();
    logFile = path.join(mkdtempSync(path.join(tmpdir(), "billpay-logscan-")), "debug.log");
  });
  after(async () => {
    log.level = previousLevel;
    await t.close();
  });

  it("ingesting every sample file with debug logging leaks no typed account value", async () => {
    const transport = logToFile(logFile);
    log.level = "debug";
    const samples = sampleFiles();
    expect(samples.length).to.be.greaterThan(0);
    for (const sample of samples) {
      const result = await ingestFile(t.db, { aggregator: sample.aggregator, path: sample.file });
      log.debug("ingested sample", { result });
    }
    await new Promise<void>((resolve) => {
      transport.on("finish", resolve);
      log.remove(transport);
      transport.end();
    });
    const text = readFileSync(logFile, "utf8");
    expect(text.length, "debug logging wrote nothing").to.be.greaterThan(100);
    const accounts = await typedAccounts();
    expect(accounts.length).to.be.greaterThan(0);
    for (const value of accounts) {
      expect(text.includes(value), `log contains the account value ending ${value.slice(-4)}`).to.equal(false);
    }
    expect(text).not.to.match(/\b\d{3}-\d{2}-\d{4}\b/);
    // Nine digits standing alone; inside a hash or a UUID (next to letters) they identify, not expose.
    expect(text).not.to.match(/(?<![\w-])\d{9}(?![\w-])/);
  });
});
