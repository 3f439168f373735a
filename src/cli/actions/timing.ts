import { formatDateRange, formatLongDate, formatMonth, weekdayName } from "../../rules/local-date";
import { assessTiming, coverageMonthFor, scheduleAdvice } from "../../rules/timing";
import { CliExit, printJson } from "../exit";
import { dateArgument, monthArgument, resolvePolicy } from "../rules-input";
import { BAD_INPUT, type PolicyOptions } from "../rules-options";

interface TimingOptions extends PolicyOptions {
  coverage?: string;
  initiated?: string;
  settled?: string;
  firstPayment?: boolean;
  json?: boolean;
}

/** `billpay timing`: declared in src/cli/commands/timing.ts. */
export async function timingAction(options: TimingOptions): Promise<void> {
  const policy = await resolvePolicy(options);
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
}
