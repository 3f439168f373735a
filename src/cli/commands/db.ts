import type { Command } from "commander";
import { closeDatabase, isEmbedded, migrateOnce, openDatabase } from "../../store/data-source";
import { describeDatabase } from "../database";

export function register(program: Command): void {
  const db = program.command("db").description("Database housekeeping (migrations)");
  db.command("migrate")
    .description("Apply pending migrations (the CLI also migrates on first use)")
    .action(async () => {
      const source = await openDatabase({ migrate: false });
      try {
        const ran = await migrateOnce(source, !isEmbedded(source));
        process.stdout.write(
          `${describeDatabase(source)}: ${ran.length ? `applied ${ran.map((m) => m.name).join(", ")}` : "up to date"}\n`,
        );
      } finally {
        await closeDatabase(source);
      }
    });
}
