import { expect } from "chai";
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DateTime } from "luxon";
import { verifyChain } from "../../src/match/audit-chain";
import { retentionCutoff } from "../../src/retention/policy";
import { runRetention, type CopyFolder } from "../../src/retention/run";
import { freshDatabase, type TestDatabase } from "../support/database";
import { RemittanceFolder } from "./remittance-files";

const TODAY = "2036-03-15";
const CUTOFF = "2026-03-15";

/** A copy whose mtime is noon of `day` in New York. */
function copyDated(dir: string, name: string, day: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, "H,FIRST EXAMPLE BANK\n");
  const at = DateTime.fromISO(`${day}T12:00:00`, { zone: "America/New_York" }).toJSDate();
  utimesSync(file, at, at);
  return file;
}

interface Row {
  source_ref: string;
  raw: string;
  payer_name: string | null;
  account_raw: string | null;
  details: Record<string, unknown>;
  amount_cents: string;
  settled_on: string;
  match_status: string;
}

describe("retention: raw text and payer names past the period, file copies, one audit entry", () => {
  let t: TestDatabase;
  let folder: CopyFolder;
  const payments = async () =>
    (await t.db.query(
      `SELECT source_ref, raw, payer_name, account_raw, details, amount_cents::text, settled_on::text, match_status FROM payments ORDER BY source_ref`,
    )) as Row[];
  before(async () => {
    t = await freshDatabase();
    const files = new RemittanceFolder();
    const row = (id: string, settled: string) => ({
      id,
      sent: settled,
      settled,
      amount: "125.00",
      account: "712345678",
      name: `MEMBER ${id}`,
    });
    await files.ingestCsv(t.db, "old.csv", "2026-03-16", [
      row("A-day-before", "2026-03-14"),
      row("B-at-limit", "2026-03-15"),
      row("C-day-after", "2026-03-16"),
    ]);
    // The bank-csv mapping keeps no details; an NACHA file's addenda text would be here.
    await t.db.query(`UPDATE payments SET details = jsonb_build_object('memo', 'premium for ' || payer_name)`);
    const dir = mkdtempSync(path.join(tmpdir(), "billpay-retention-"));
    copyDated(dir, "before.csv", "2026-03-14");
    copyDated(dir, "at-limit.csv", CUTOFF);
    folder = { dir, cutoff: CUTOFF };
  });
  after(async () => t?.close());

  it("counts ten years back in New York days (a leap day clamps to the month's end)", () => {
    expect(retentionCutoff(TODAY, 10)).to.equal(CUTOFF);
    expect(retentionCutoff("2036-02-29", 10)).to.equal("2026-02-28");
    expect(retentionCutoff("2036-02-29", 8)).to.equal("2028-02-29");
  });

  it("a dry run counts what the run removes and changes nothing", async () => {
    const before = await payments();
    const entries = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'retention'`);
    const dry = await runRetention(t.db, { today: TODAY, dryRun: true, folders: [folder] });
    expect(dry).to.include({ payments: 1, files: 1, dryRun: true });
    expect(dry.cutoffs.map((c) => c.cutoff)).to.deep.equal([CUTOFF]);
    expect(await payments()).to.deep.equal(before);
    expect(existsSync(path.join(folder.dir, "before.csv"))).to.equal(true);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'retention'`)).to.deep.equal(
      entries,
    );
  });

  it("removes the day before the limit, keeps the payment and copy exactly at it, and audits the run", async () => {
    const before = await payments();
    const run = await runRetention(t.db, { today: TODAY, dryRun: false, folders: [folder] });
    expect(run).to.include({ payments: 1, files: 1, dryRun: false });
    const after = await payments();
    const [dayBefore, atLimit, dayAfter] = after;
    expect(dayBefore.source_ref).to.equal("A-day-before");
    expect(dayBefore).to.deep.include({ raw: "", payer_name: null, account_raw: null, details: {} });
    // Amounts, dates and decisions stay.
    expect(dayBefore).to.include({
      amount_cents: before[0].amount_cents,
      settled_on: "2026-03-14",
      match_status: before[0].match_status,
    });
    expect([atLimit, dayAfter]).to.deep.equal(before.slice(1));
    expect(atLimit.raw).to.not.equal("");
    expect(atLimit.account_raw).to.equal("712345678");
    expect(atLimit.details).to.deep.equal({ memo: "premium for MEMBER B-at-limit" });
    expect(existsSync(path.join(folder.dir, "before.csv"))).to.equal(false);
    expect(existsSync(path.join(folder.dir, "at-limit.csv"))).to.equal(true);

    const [entry] = (await t.db.query(
      `SELECT actor, entity_id, action, after FROM audit_log WHERE entity = 'retention'`,
    )) as { actor: string; entity_id: string; action: string; after: Record<string, unknown> }[];
    expect(entry).to.deep.include({ entity_id: TODAY, action: "run" });
    expect(entry.after).to.include({ payments_cleared: 1, files_deleted: 1 });
    const chain = await verifyChain(t.db);
    expect(chain.problem).to.equal(null);
  });

  it("a second run finds nothing left to remove", async () => {
    const again = await runRetention(t.db, { today: TODAY, dryRun: false, folders: [folder] });
    expect(again).to.include({ payments: 0, files: 0 });
  });
});
