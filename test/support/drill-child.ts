// The process the kill -9 drills kill (test/ingest/kill-drill.test.ts, test/match/kill-drill.test.ts,
// scripts/kill-drill.ts). It posts one file, or runs matching, and says on stdout how far it got;
// given a point, it waits there for good, to be killed at a moment the drill knows.
// Usage: tsx test/support/drill-child.ts ingest <file> [hangAtRows|-] [batchSize]
//        tsx test/support/drill-child.ts match [hangAfterBatches|-] [batchSize]
//        tsx test/support/drill-child.ts send-returns <configFile> <aggregator> [hang|-]
// The database comes from DATABASE_URL or BILLPAY_DATA_DIR. Lines written: `ready`; `rows N` after
// each posting batch or `batch N decided D` after each committed matching batch, or `uploaded NAME`
// after a return file's upload and rename (before its commit); `hanging`; `done …`.
// A pipe's writes are synchronous on Linux, so a line written before the kill is there to be read.
import { ingestFile } from "../../src/ingest/pipeline";
import { matchPayments } from "../../src/match/matcher";
import { openDatabase } from "../../src/store/data-source";
import { loadConfig } from "../../src/config/config-file";
import { outboxFor } from "../../src/returns/outbox";
import { sendReturns } from "../../src/returns/send";

const say = (line: string) => process.stdout.write(`${line}\n`);

async function hang(): Promise<never> {
  say("hanging");
  return new Promise<never>(() => setInterval(() => undefined, 60_000));
}

/** A number argument, or null for `-` or nothing. */
function optional(arg: string | undefined): number | null {
  return arg === undefined || arg === "-" ? null : Number(arg);
}

async function ingest(file: string, hangAt: number | null, batchSize: number | null): Promise<void> {
  const db = await openDatabase();
  say("ready");
  const result = await ingestFile(
    db,
    { aggregator: "rpps", path: file },
    {
      batchSize: batchSize ?? undefined,
      match: false,
      afterBatch: async (written) => {
        say(`rows ${written}`);
        if (hangAt !== null && written >= hangAt) await hang();
      },
    },
  );
  say(`done ${result.status} ${result.payments}`);
}

async function match(hangAfter: number | null, batchSize: number | null): Promise<void> {
  const db = await openDatabase();
  say("ready");
  let batches = 0;
  const summary = await matchPayments(db, {
    batchSize: batchSize ?? undefined,
    afterBatch: async (progress) => {
      batches += 1;
      say(`batch ${batches} decided ${progress.decided}`);
      if (hangAfter !== null && batches >= hangAfter) await hang();
    },
  });
  say(`done decided ${summary.decided}`);
}

async function sendReturnFiles(configFile: string, aggregator: string, hangAfterUpload: boolean): Promise<void> {
  const agg = loadConfig(configFile).aggregators.find((a) => a.id === aggregator);
  if (!agg) throw new Error(`no aggregator ${aggregator} in ${configFile}`);
  const db = await openDatabase();
  say("ready");
  const { outbox, outboundDir } = outboxFor(agg);
  const result = await sendReturns(db, outbox, {
    aggregator,
    outboundDir,
    afterUpload: async (name) => {
      say(`uploaded ${name}`);
      if (hangAfterUpload) await hang();
    },
  });
  say(`done sent ${result.sent.length} recovered ${result.recovered.length}`);
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === "ingest") await ingest(args[0], optional(args[1]), optional(args[2]));
  else if (command === "match") await match(optional(args[0]), optional(args[1]));
  else if (command === "send-returns") await sendReturnFiles(args[0], args[1], args[2] === "hang");
  else throw new Error(`unknown command ${command}: ingest, match or send-returns`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
