import { expect } from "chai";
import fc from "fast-check";
import type { QueryRunner } from "typeorm";
import { copyField, copyLine, copyRows, copyText, type CopyValue } from "../../src/store/copy";
import { freshDatabase, type TestDatabase } from "../support/database";

const PROBE_COLUMNS = ["n", "label", "cents", "on_day", "flag", "doc"] as const;

/** Values COPY text format must escape or tell apart, each in its own row. */
const AWKWARD: { label: string | null; doc: CopyValue }[] = [
  { label: "tab\there", doc: { s: "tab\there" } },
  { label: "line\nbreak", doc: { s: "line\nbreak" } },
  { label: "carriage\rreturn\r\n", doc: { s: "cr\r\n" } },
  { label: "back\\slash \\N \\. \\t", doc: { s: "back\\slash \\N" } },
  { label: "\\.", doc: ["\\."] },
  { label: "", doc: { empty: "" } },
  { label: null, doc: null },
  { label: "\\N", doc: { nullish: "\\N", really: null } },
  { label: "Zoë Ångström — 東京 🙂 e\u0301", doc: { name: "Zoë 東京 🙂", 'key "quoted"': 'say "hi"' } },
  { label: "quotes \"double\" and 'single'", doc: { q: '"\\"', nested: { list: [1, "two", null, true] } } },
  { label: "trailing space ", doc: { controls: "\u0001\u001f\u007f" } },
];

async function inTransaction<T>(t: TestDatabase, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = t.db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const result = await work(runner);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

type ProbeRow = {
  n: number;
  label: string | null;
  cents: string | null;
  on_day: string | null;
  flag: boolean | null;
  doc: unknown;
};

async function probeRows(t: TestDatabase): Promise<ProbeRow[]> {
  return (await t.db.query(
    `SELECT n, label, cents::text AS cents, on_day::text AS on_day, flag, doc FROM copy_probe ORDER BY n`,
  )) as ProbeRow[];
}

describe("COPY rows (src/store/copy.ts)", () => {
  describe("the COPY text encoder", () => {
    it("escapes backslash, tab, newline and carriage return; NULL is \\N and the empty string stays empty", () => {
      expect(copyLine(["a\tb", "c\nd", "e\rf", "g\\h", null, "", "\\N", undefined])).to.equal(
        "a\\tb\tc\\nd\te\\rf\tg\\\\h\t\\N\t\t\\\\N\t\\N\n",
      );
    });

    it("writes numbers, bigints and booleans as literals, dates as ISO timestamps and objects as JSON text", () => {
      expect(copyField(42)).to.equal("42");
      expect(copyField(-7)).to.equal("-7");
      expect(copyField(9007199254740993n)).to.equal("9007199254740993");
      expect(copyField(true)).to.equal("t");
      expect(copyField(false)).to.equal("f");
      expect(copyField(new Date(Date.UTC(2024, 1, 29, 12, 30)))).to.equal("2024-02-29T12:30:00.000Z");
      // JSON's own escapes are backslashes, doubled again for COPY.
      expect(copyField({ s: 'a "b"\n' })).to.equal('{"s":"a \\\\"b\\\\"\\\\n"}');
      expect(copyField([1, null])).to.equal("[1,null]");
    });

    it("cuts the text into chunks of whole lines, the rows read as the chunks are taken", () => {
      let read = 0;
      function* rows(): Generator<CopyValue[]> {
        for (let i = 0; i < 10; i++) {
          read += 1;
          yield [i, `row ${i}`];
        }
      }
      const chunks = copyText(rows(), 20);
      const first = chunks.next();
      expect(first.value).to.equal("0\trow 0\n1\trow 1\n2\trow 2\n");
      expect(read, "only the rows of the first chunk were read").to.equal(3);
      const rest = [...chunks];
      for (const c of rest) expect(c.endsWith("\n")).to.equal(true);
      expect(first.value + rest.join("")).to.equal(Array.from({ length: 10 }, (_, i) => `${i}\trow ${i}\n`).join(""));
    });
  });

  describe("round trip through the database", () => {
    let t: TestDatabase;

    before(async () => {
      t = await freshDatabase();
    });
    after(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await t.db.query(`DROP TABLE IF EXISTS copy_probe`);
      await t.db.query(
        `CREATE TABLE copy_probe (n integer PRIMARY KEY, label text, cents bigint, on_day date, flag boolean, doc jsonb)`,
      );
    });

    it("every awkward value comes back exactly as it went in, NULL apart from the empty string", async () => {
      const rows: CopyValue[][] = AWKWARD.map((a, n) => [
        n,
        a.label,
        n === 0 ? 9007199254740993n : n * 100,
        n % 2 ? "2024-02-29" : null,
        n % 3 === 0,
        a.doc,
      ]);
      await inTransaction(t, (runner) => copyRows(runner, "copy_probe", PROBE_COLUMNS, rows));
      const back = await probeRows(t);
      expect(back.map((r) => r.label)).to.deep.equal(AWKWARD.map((a) => a.label));
      expect(back.map((r) => r.doc)).to.deep.equal(AWKWARD.map((a) => a.doc));
      expect(back[0].cents).to.equal("9007199254740993");
      expect(back.map((r) => r.on_day)).to.deep.equal(AWKWARD.map((_, n) => (n % 2 ? "2024-02-29" : null)));
      expect(back.map((r) => r.flag)).to.deep.equal(AWKWARD.map((_, n) => n % 3 === 0));
      const empty = (await t.db.query(`SELECT count(*)::int AS n FROM copy_probe WHERE label = ''`)) as { n: number }[];
      const nulls = (await t.db.query(`SELECT count(*)::int AS n FROM copy_probe WHERE label IS NULL`)) as {
        n: number;
      }[];
      expect([empty[0].n, nulls[0].n]).to.deep.equal([1, 1]);
    });

    it("any Unicode text (as text and inside jsonb) comes back unchanged, over many chunks", async () => {
      // PostgreSQL text holds any character but NUL.
      const text = fc.string({ unit: "binary", maxLength: 60 }).map((s) => s.replace(/\0/g, ""));
      const samples = fc.sample(text, { numRuns: 3000, seed: 20260311 });
      const rows: CopyValue[][] = samples.map((s, n) => [n, s, null, null, null, { s }]);
      expect(copyText(rows).next().value?.length, "several chunks").to.be.lessThan(rows.map(copyLine).join("").length);
      await inTransaction(t, (runner) => copyRows(runner, "copy_probe", PROBE_COLUMNS, rows));
      const back = await probeRows(t);
      expect(back.map((r) => r.label)).to.deep.equal(samples);
      expect(back.map((r) => r.doc)).to.deep.equal(samples.map((s) => ({ s })));
    });

    it("rows are copied inside the runner's transaction: seen by it, gone when it rolls back", async () => {
      const runner = t.db.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await copyRows(
          runner,
          "copy_probe",
          ["n", "label"],
          [
            [1, "one"],
            [2, "two"],
          ],
        );
        const inside = (await runner.query(`SELECT count(*)::int AS n FROM copy_probe`)) as { n: number }[];
        expect(inside[0].n).to.equal(2);
        await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
      expect(await probeRows(t)).to.deep.equal([]);
    });

    it("a row the table refuses fails the whole COPY; the transaction rolls back and the connection goes on", async () => {
      const runner = t.db.createQueryRunner();
      await runner.connect();
      let failure: unknown = null;
      try {
        await runner.startTransaction();
        await copyRows(
          runner,
          "copy_probe",
          ["n", "label"],
          [
            [1, "fine"],
            ["not a number", "bad"],
          ],
        ).catch((error: unknown) => (failure = error));
        await runner.rollbackTransaction();
        const after = (await runner.query(`SELECT 1 AS one`)) as { one: number }[];
        expect(after[0].one).to.equal(1);
      } finally {
        await runner.release();
      }
      expect(String(failure)).to.match(/integer/);
      expect(await probeRows(t)).to.deep.equal([]);
    });

    it("a value that cannot be encoded part-way aborts the whole COPY (no row stays); the connection goes on", async () => {
      const runner = t.db.createQueryRunner();
      await runner.connect();
      let failure: unknown = null;
      function* rows(): Generator<CopyValue[]> {
        for (let n = 0; n < 5000; n++) yield [n, "fine", null, null, null, { n }];
        // JSON has no bigint: the encoder throws part-way through the rows.
        yield [5000, "bad", null, null, null, { n: 5000n }];
      }
      try {
        await runner.startTransaction();
        await copyRows(runner, "copy_probe", PROBE_COLUMNS, rows()).catch((error: unknown) => (failure = error));
        await runner.rollbackTransaction();
        const after = (await runner.query(`SELECT 1 AS one`)) as { one: number }[];
        expect(after[0].one).to.equal(1);
      } finally {
        await runner.release();
      }
      expect(String(failure)).to.match(/BigInt/);
      expect(await probeRows(t)).to.deep.equal([]);
    });

    it("refuses a table or column name that is not a plain identifier", async () => {
      let failure: unknown = null;
      await inTransaction(t, (runner) =>
        copyRows(runner, "copy_probe; DROP TABLE payments", ["n"], [[1]]).catch((error: unknown) => (failure = error)),
      );
      expect(String(failure)).to.match(/not a plain SQL identifier/);
    });
  });
});
