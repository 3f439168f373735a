import type { Command } from "commander";
import { lazyAction } from "../lazy-action";
import { addConfigOption } from "../rules-options";

export function register(program: Command): void {
  const masks = program
    .command("masks")
    .description("Account-number hygiene: the masks to register with a network, and what they would stop");
  addConfigOption(
    masks
      .command("export")
      .description("Print the payee policy's account masks and check-digit rule, ready to register with the network")
      .requiredOption("--aggregator <id>", "the aggregator (network) the masks are registered with")
      .option("--format <format>", "rpps (the biller profile's text) or json", "rpps"),
  ).action(lazyAction(() => import("../actions/masks.js"), "exportMasksAction"));
  addConfigOption(
    masks
      .command("replay")
      .description("Replay stored payments through a candidate policy: what the bank would have stopped or refused")
      .requiredOption("--from <date>", "first settlement day (YYYY-MM-DD)")
      .requiredOption("--to <date>", "last settlement day (YYYY-MM-DD), included")
      .option("--policy <file>", "YAML or JSON payee policy to try (default: the configured one)")
      .option("--json", "print one JSON object")
      .addHelpText(
        "after",
        "\nStopped: payments stored as exceptions (invalid form, check digit, SSN-like, unknown account) that the candidate's masks would refuse at the bank. Wrongly refused: payments to billed accounts it would refuse.",
      ),
  ).action(lazyAction(() => import("../actions/masks.js"), "replayMasksAction"));
}
