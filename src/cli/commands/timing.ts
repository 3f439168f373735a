import type { Command } from "commander";
import { formatDateRange, formatLongDate, formatMonth, weekdayName } from "../../rules/local-date";
import { assessTiming, coverageMonthFor, scheduleAdvice } from "../../rules/timing";
import { CliExit, printJson } from "../exit";
import {
  BAD_INPUT,
  addDayCountingOption,
  addConfigOption,
  dateArgument,
  monthArgument,
  resolvePolicy,
  type PolicyOptions,
} from "../rules-options";

interface TimingOptions extends PolicyOptions {
  coverage?: string;
  initiated?: string;
  settled?: string;
  firstPayment?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command("timing")
    .description("When to schedule a bill-pay for a month; was a payment on time")
    .option("--coverage <month>", "coverage month YYYY-MM (derived from the dates when omitted)")
    .option("--initiated <date>", "day the member scheduled or the bank sent the payment, YYYY-MM-DD")
    .option("--settled <date>", "day the money was credited to the payee, YYYY-MM-DD")
    .option("--first-payment", "the member's first payment: a late one moves the earliest coverage start")
    .option("--json", "print the answer as JSON with ISO dates");
  addConfigOption(addDayCountingOption(cmd)).action((options: TimingOptions) => {
    const policy = resolvePolicy(options);
    const initiatedOn = dateArgument(options.initiated, "--initiated");
    const settledOn = dateArgument(options.settled, "--settled");
    const stated = monthArgument(options.coverage, "--coverage");
    const basis = initiatedOn ?? settledOn;
    if (stated === null && basis === null) {
      throw new CliExit(BAD_INPUT, "give --coverage YYYY-MM, or --initiated / --settled to derive it");
    }
    const month = stated ?? coverageMonthFor(basis as string);
    const advice = scheduleAdvice(month, policy);
    const audit =
      basis === null
        ? null
        : assessTiming({ coverageMonth: month, initiatedOn, settledOn, firstPayment: options.firstPayment }, policy);
    if (options.json) {
      printJson({
        ...advice,
        leadWindow: policy.leadWindow,
        audit: audit && { initiatedOn, settledOn, ...audit },
      });
      return;
    }
    const { min, max } = policy.leadWindow;
    const lines: [string, string][] = [
      [
        "Coverage",
        `${formatMonth(month)} (starts ${formatLongDate(advice.coverageStart)})${stated ? "" : ", derived from the dates"}`,
      ],
      ["Due date", `${advice.dueWeekday}, ${formatLongDate(advice.dueOn)}`],
      [
        "Recommended window",
        `${formatDateRange(advice.window.from, advice.window.to)} (${min}–${max} ${policy.dayCounting} days before)`,
      ],
      ["Last safe day", `${advice.lastSafeWeekday}, ${formatLongDate(advice.lastSafeDay)}`],
    ];
    if (audit) {
      if (initiatedOn) lines.push(["Initiated", `${weekdayName(initiatedOn)}, ${formatLongDate(initiatedOn)}`]);
      if (settledOn) lines.push(["Settled", `${weekdayName(settledOn)}, ${formatLongDate(settledOn)}`]);
      lines.push(["Lead", `${audit.leadDays} ${policy.dayCounting} day${audit.leadDays === 1 ? "" : "s"}`]);
      lines.push(["Status", audit.timingStatus]);
      if (audit.earliestCoverageStart) lines.push(["Earliest coverage", formatLongDate(audit.earliestCoverageStart)]);
      for (const f of audit.findings) lines.push(["Why", `${f.code}: ${f.message}`]);
    }
    const width = Math.max(...lines.map(([label]) => label.length)) + 2;
    process.stdout.write(`${lines.map(([label, text]) => `${`${label}:`.padEnd(width)}${text}`).join("\n")}\n`);
  });
}
