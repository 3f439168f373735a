import type { Command } from "commander";
import { PROJECT_ROOT } from "../../paths";
import { lazyAction } from "../lazy-action";

export function register(program: Command): void {
  const adapter = program
    .command("adapter")
    .description("Adapters (format families under adapters/): list, scaffold a new one");
  adapter
    .command("new")
    .description(
      "Scaffold a format family in adapters/NAME with a mapping, a sample file and a failing conformance test",
    )
    .argument("<name>", "the adapter id: lower-case letters, digits and dashes (e.g. acme-flat)")
    .option("--root <dir>", "project root to write into", PROJECT_ROOT)
    .option("--json", "print the files written as JSON")
    .action(lazyAction(() => import("../actions/adapter.js"), "newAdapterAction"));
  adapter
    .command("list")
    .description("List the adapters found in adapters/")
    .option("--json", "print the adapters as JSON")
    .action(lazyAction(() => import("../actions/adapter.js"), "listAdaptersAction"));
}
