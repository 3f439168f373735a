import { expect } from "chai";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isReturnAddenda } from "../../adapters/nacha/records/addenda";
import { PROFILES } from "../../adapters/nacha/profile";
import { parseText } from "../../adapters/nacha/test/helpers";
import { ingestFile } from "../../src/ingest/pipeline";
import { auditForPayment } from "../../src/match/audit-log";
import { listExceptions } from "../../src/match/exceptions";
import { ResolveError, resolveException } from "../../src/match/resolve";
import { SAMPLES_DIR } from "../../src/paths";
import { buildReturns } from "../../src/returns/build";
import { addBankingDays } from "../../src/rules/banking-days";
import { freshDatabase, type TestDatabase } from "../support/database";

interface PaymentRow {
  id: string;
  source_ref: string;
  amount_cents: string;
  match_status: string;
}

describe("returns to the network: resolve, collect past the deadline, build a NACHA return file", () => {
  let t: TestDatabase;
  const payment = async (id: string) =>
    (
      (await t.db.query(`SELECT id, source_ref, amount_cents::text, match_status FROM payments WHERE id = $1`, [
        id,
      ])) as PaymentRow[]
    )[0];

  /** A second open exception on the payment, as a duplicate hint would open beside a wrong account. */
  const secondException = (paymentId: string) =>
    t.db.query(
      `INSERT INTO exceptions (payment_id, reason, message, amount_cents, status) SELECT id, 'duplicate_suspect', 'test', amount_cents, 'open' FROM payments WHERE id = $1`,
      [paymentId],
    );
  const openOfReturned = async () =>
    (await t.db.query(
      `SELECT e.id, e.reason, e.resolution FROM exceptions e JOIN payment_returns r ON r.payment_id = e.payment_id WHERE e.status = 'open'`,
    )) as unknown[];

  before(async () => {
    t = await freshDatabase();
    const posted = await ingestFile(t.db, {
      aggregator: "rpps",
      path: path.join(SAMPLES_DIR, "rpps", "normal-day.ach"),
    });
    expect(posted.status).to.equal("posted");
  });
  after(async () => t?.close());

  it("shows a return-by day, 2 banking days after settlement, on each open unidentified exception", async () => {
    const open = await listExceptions(t.db);
    const unidentified = open.filter((e) => e.reason === "invalid_account" || e.reason === "unknown_account");
    expect(unidentified.length).to.be.greaterThan(1);
    for (const e of unidentified) expect(e.returnBy).to.equal(addBankingDays(e.payment?.settledOn as string, 2));
    expect(open.filter((e) => e.reason === "account_correction").map((e) => e.returnBy)).to.deep.equal([null]);
  });

  it("resolves an exception as a return: the payment is to_return, once only (a DB constraint)", async () => {
    const [e] = await listExceptions(t.db, { reason: "invalid_account" });
    const req = { action: "return" as const, note: "no such member", by: "jdoe" };
    const bad = await resolveException(t.db, e.id, { ...req, reason: "R99" }).catch((err: unknown) => err);
    expect(bad).to.be.instanceOf(ResolveError);
    expect((bad as Error).message).to.contain("R21, R22, R23, R24");
    await secondException(e.paymentId as string);
    const done = await resolveException(t.db, e.id, { ...req, reason: "R22" });
    expect(done.exception.resolution).to.equal("return R22");
    expect(await openOfReturned(), "a returned payment leaves nothing in the queue").to.deep.equal([]);
    expect((await payment(e.paymentId as string)).match_status).to.equal("to_return");
    const again = await t.db
      .query(
        `INSERT INTO payment_returns (payment_id, aggregator, reason_code, cause, requested_by) VALUES ($1, 'rpps', 'R24', 'resolved', 'x')`,
        [e.paymentId],
      )
      .catch((err: unknown) => err);
    expect(String(again)).to.match(/uq_payment_returns_payment|duplicate key/);
  });

  it("collects unidentified payments past their return-by day and builds a file our parser reads back as returns", async () => {
    const before = await listExceptions(t.db);
    const due = before.filter((e) => e.returnBy !== null);
    const resolved = (await t.db.query(`SELECT payment_id FROM payment_returns`)) as { payment_id: string }[];
    const latest = due
      .map((e) => e.returnBy as string)
      .sort()
      .at(-1) as string;
    await secondException(due[0].paymentId as string);
    const result = await buildReturns(t.db, { aggregator: "rpps", on: latest, at: "1200", by: "returns-test" });
    expect(await openOfReturned(), "a returned payment leaves nothing in the queue").to.deep.equal([]);
    expect(result.collected).to.equal(new Set(due.map((e) => e.paymentId)).size);
    const file = result.file;
    if (!file) throw new Error("no file built");
    const ids = [...resolved.map((r) => r.payment_id), ...due.map((e) => e.paymentId as string)];
    expect(file.entryCount).to.equal(new Set(ids).size);
    const originals = await Promise.all([...new Set(ids)].map(payment));

    const lines = file.text.replace(/\n$/, "").split("\n");
    for (const line of lines) expect(line).to.have.length(94);
    expect(lines.length % 10).to.equal(0);
    const { events, errors } = await parseText(file.text, PROFILES.strict);
    expect(errors).to.deep.equal([]);
    const entries = events.flatMap((ev) => (ev.type === "entry" ? [ev.entry] : []));
    const parsed = entries.map((en) => {
      const ret = en.addenda.find(isReturnAddenda);
      return {
        kind: en.kind,
        code: en.detail.transactionCode,
        cents: en.detail.amountCents,
        reason: ret?.reasonCode,
        original: ret?.originalTrace,
        trace: en.detail.traceNumber,
      };
    });
    expect(parsed.map((p) => p.kind)).to.deep.equal(parsed.map(() => "return"));
    expect(parsed.map((p) => p.code)).to.deep.equal(parsed.map(() => "21"));
    const byOriginal = new Map(parsed.map((p) => [p.original, p]));
    for (const o of originals) {
      expect(byOriginal.get(o.source_ref)?.cents, o.source_ref).to.equal(Number(o.amount_cents));
      expect(byOriginal.get(o.source_ref)?.reason).to.equal("R22");
      expect((await payment(o.id)).match_status).to.equal("returned");
      const trail = await auditForPayment(t.db, o.id);
      expect(trail.map((a) => a.note ?? "").join("\n")).to.contain(`returned in file ${file.name}`);
    }
    expect(new Set(parsed.map((p) => p.trace)).size).to.equal(parsed.length);
    expect(await listExceptions(t.db).then((es) => es.filter((e) => e.returnBy !== null))).to.deep.equal([]);
  });

  it("never returns a payment twice: the next build has nothing to write", async () => {
    const result = await buildReturns(t.db, { aggregator: "rpps", on: "2030-01-02", at: "1200", by: "returns-test" });
    expect(result).to.deep.equal({ collected: 0, file: null });
  });

  it("matches a return that arrives for a returned payment to it (by its original trace)", async () => {
    const [stored] = (await t.db.query(`SELECT name, content FROM outbound_files`)) as {
      name: string;
      content: string;
    }[];
    const dir = mkdtempSync(path.join(tmpdir(), "billpay-returns-"));
    writeFileSync(path.join(dir, stored.name), stored.content, "latin1");
    const posted = await ingestFile(t.db, { aggregator: "rpps", path: path.join(dir, stored.name) });
    expect(posted.status).to.equal("posted");
    const rows = (await t.db.query(
      `SELECT r.match_status AS ret, o.id AS original FROM payments r
         JOIN payments o ON o.aggregator = r.aggregator AND o.source_ref = r.original_ref
        WHERE r.kind = 'return' AND r.file_id = $1`,
      [posted.fileId],
    )) as { ret: string; original: string }[];
    expect(rows.length).to.be.greaterThan(0);
    expect(rows.map((r) => r.ret)).to.deep.equal(rows.map(() => "matched"));
  });
});
