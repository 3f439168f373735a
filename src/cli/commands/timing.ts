import type { Command } from "commander";
import { lazyAction } from "../lazy-action";
import { addDayCountingOption, addConfigOption } from "../rules-options";

export function register(program: Command): void {
  const cmd = program
    .command("timing")
    .description("When to schedule a bill-pay for a month; was a payment on time")
    .option("--coverage <month>", "coverage month YYYY-MM (derived from the dates when omitted)")
    .option("--initiated <date>", "day the member scheduled or the bank sent the payment, YYYY-MM-DD")
    .option("--settled <date>", "day the money was credited to the payee, YYYY-MM-DD")
    .option("--first-payment", "the member's first payment: a late one moves the earliest coverage start")
    .option("--json", "print the answer as JSON with ISO dates");
  addConfigOption(addDayCountingOption(cmd)).action(lazyAction(() => import("../actions/timing.js"), "timingAction"));
}
