import type { Command } from "commander";
import { lazyAction } from "../lazy-action";
import { addDayCountingOption, addConfigOption } from "../rules-options";

export function register(program: Command): void {
  const cmd = program
    .command("calendar")
    .description("Coverage months of a year: due date, bill-pay window, last safe day")
    .argument("<year>", "calendar year, e.g. 2017")
    .option("--json", "print the rows as JSON with ISO dates");
  addConfigOption(addDayCountingOption(cmd)).action(
    lazyAction(() => import("../actions/calendar.js"), "calendarAction"),
  );
}
