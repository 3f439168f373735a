import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const db = program.command("db").description("Database housekeeping (migrations)");
  db.command("migrate")
    .description("Apply pending migrations (the CLI also migrates on first use)")
    .action(lazyAction(() => import("../actions/db.js"), "migrateAction"));
}
