// A child process for the kill -9 test: posts a file and, once `stopAfter` rows are written inside
// the posting transaction, says so on stdout and waits there for good, to be killed mid-posting.
// Usage: tsx test/support/post-and-hang.ts <file> <stopAfter> (database from DATABASE_URL or BILLPAY_DATA_DIR)
import { ingestFile } from "../../src/ingest/pipeline";
import { openDatabase } from "../../src/store/data-source";

async function main(): Promise<void> {
  const [file, stopAfter] = process.argv.slice(2);
  const db = await openDatabase();
  await ingestFile(
    db,
    { aggregator: "rpps", path: file },
    {
      batchSize: 1000,
      match: false,
      afterBatch: async (written) => {
        if (written < Number(stopAfter)) return;
        process.stdout.write(`mid-posting ${written}\n`);
        await new Promise<never>(() => setInterval(() => undefined, 60_000));
      },
    },
  );
  process.stdout.write("posted (not expected)\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
