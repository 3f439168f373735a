import { closeDatabase, isEmbedded, migrateOnce, openDatabase } from "../../store/data-source";
import { describeDatabase } from "../database";

/** `billpay db migrate`: declared in src/cli/commands/db.ts. */
export async function migrateAction(): Promise<void> {
  const source = await openDatabase({ migrate: false });
  try {
    const ran = await migrateOnce(source, !isEmbedded(source));
    process.stdout.write(
      `${describeDatabase(source)}: ${ran.length ? `applied ${ran.map((m) => m.name).join(", ")}` : "up to date"}\n`,
    );
  } finally {
    await closeDatabase(source);
  }
}
