import type { Command } from "commander";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  program
    .command("demo")
    .description("The demo: sample files through an in-process SFTP server into the database")
    .option(
      "--fresh",
      "ingest into a throwaway database (by default the real one: a second run shows every file as duplicate)",
    )
    .option("--json", "print one JSON document")
    .option(
      "--serve",
      "then leave the web console running on 127.0.0.1 over the demo's data, with a demo user (password printed)",
    )
    .option("--port <n>", "the console's port with --serve (0 picks a free one)", "8080")
    .addHelpText(
      "after",
      "\nThe server listens on 127.0.0.1 (random port, fresh host key); the demo config pins its key and logs in\n" +
        "with a fresh user key. Files named broken-* are included on purpose: they show quarantine.\n" +
        "Exit status: 0 when every source was polled (quarantined sample files are expected), 1 when a source failed.",
    )
    .action(lazyAction(() => import("../actions/demo.js"), "demoAction"));
}
