import type { Command } from "commander";
import { lazyAction } from "../lazy-action";
import { addConfigOption } from "../rules-options";

export function register(program: Command): void {
  const returns = program.command("returns").description("Returns to the network: payments sent back to the sender");
  returns
    .command("build")
    .description(
      "Collect payments resolved as returns, and unidentified ones past their return-by day, into a NACHA return file",
    )
    .requiredOption("--aggregator <id>", "the aggregator whose payments go back")
    .option("--date <date>", "the building day (YYYY-MM-DD): return-by days up to it are due (default: today)")
    .option("--out <file>", "also write the file here (it is kept in the database for `returns send`)")
    .option("--by <name>", "who builds it (the audit log's actor)", "billpay")
    .option("--json", "print one JSON object")
    .action(lazyAction(() => import("../actions/returns.js"), "buildAction"));
  addConfigOption(
    returns
      .command("send")
      .description("Upload built return files to each aggregator's outboundDir over SFTP, each exactly once")
      .option("--aggregator <id>", "only this aggregator (default: every one with an outboundDir)")
      .option("--json", "print one JSON object"),
  ).action(lazyAction(() => import("../actions/returns.js"), "sendAction"));
}
