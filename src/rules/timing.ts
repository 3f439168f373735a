import type { PayeePolicy } from "./payee-policy";
import type { IsoDate, YearMonth } from "../model/dates";
import type { TimingStatus } from "../model/enums";
import type { Finding } from "../model/finding";
import { bankingDayOnOrBefore, bankingDaysBetween, isBankingDay } from "./banking-days";
import { finding } from "./findings";
import {
  addDays,
  addMonths,
  daysBetween,
  formatLongDate,
  formatMonth,
  fromDateTime,
  memoize,
  monthStart,
  toDateTime,
  toYearMonth,
  weekdayName,
} from "./local-date";

/** Timing against the 23rd (RULES.md R1–R3). */

export type DayCounting = PayeePolicy["dayCounting"];
export type TimingPolicy = Pick<PayeePolicy, "dayCounting" | "leadWindow">;
export type LeadStatus = Extract<TimingStatus, "early" | "recommended" | "short_lead" | "late">;

export function coverageStart(month: YearMonth): IsoDate {
  return fromDateTime(monthStart(month));
}

/** The 23rd of the month before coverage; never moved for weekends or holidays (the page keeps Sunday 2017-04-23). */
export const dueDate: (month: YearMonth) => IsoDate = memoize((month) =>
  fromDateTime(monthStart(month).minus({ months: 1 }).set({ day: 23 })),
);

/** The first coverage month whose due date is on or after `day`. */
export const coverageMonthFor: (day: IsoDate) => YearMonth = memoize((day) => {
  const dt = toDateTime(day);
  return toYearMonth(dt.startOf("month").plus({ months: dt.day <= 23 ? 1 : 2 }));
});

/** The 1st of the month after `month`: where coverage starts when the first payment missed `month` (R3). */
export function followingCoverageStart(month: YearMonth): IsoDate {
  return coverageStart(addMonths(month, 1));
}

/** Days from `from` to the due date under the policy: calendar days, or banking days after `from` up to the due date. */
export const leadDays: (from: IsoDate, due: IsoDate, counting: DayCounting) => number = memoize(
  (from, due, counting) => (counting === "banking" ? bankingDaysBetween(from, due) : daysBetween(from, due)),
);

/** early (> max), recommended (min…max), short_lead (0 … min−1), late (negative: initiated after the due date). */
export function classifyLead(lead: number, window: TimingPolicy["leadWindow"]): LeadStatus {
  if (lead < 0) return "late";
  if (lead < window.min) return "short_lead";
  if (lead <= window.max) return "recommended";
  return "early";
}

function unit(counting: DayCounting, n: number): string {
  const noun = counting === "banking" ? "banking day" : "calendar day";
  return `${n} ${noun}${Math.abs(n) === 1 ? "" : "s"}`;
}

/** The forward question: when must a member schedule a bank bill-pay for this coverage month? */
export interface ScheduleAdvice {
  coverageMonth: YearMonth;
  coverageStart: IsoDate;
  dueOn: IsoDate;
  dueWeekday: string;
  /** Days to schedule on whose lead is inside the window (banking policy: banking days only). */
  window: { from: IsoDate; to: IsoDate };
  lastSafeDay: IsoDate;
  lastSafeWeekday: string;
  dayCounting: DayCounting;
}

export function scheduleAdvice(month: YearMonth, policy: TimingPolicy): ScheduleAdvice {
  const due = dueDate(month);
  const { min, max } = policy.leadWindow;
  let from: IsoDate;
  let to: IsoDate;
  if (policy.dayCounting === "calendar") {
    from = addDays(due, -max);
    to = addDays(due, -min);
  } else {
    // A bank sends bill-pay on banking days only, so both ends are banking days.
    to = bankingDayOnOrBefore(due);
    while (leadDays(to, due, "banking") < min) to = bankingDayOnOrBefore(addDays(to, -1));
    from = to;
    for (let d = addDays(to, -1); leadDays(d, due, "banking") <= max; d = addDays(d, -1)) {
      if (isBankingDay(d)) from = d;
    }
  }
  return {
    coverageMonth: month,
    coverageStart: coverageStart(month),
    dueOn: due,
    dueWeekday: weekdayName(due),
    window: { from, to },
    lastSafeDay: to,
    lastSafeWeekday: weekdayName(to),
    dayCounting: policy.dayCounting,
  };
}

/** One row per coverage month of `year`, as the page's "Monthly Plan Selection and Payment Deadlines" table. */
export function calendarRows(year: number, policy: TimingPolicy): ScheduleAdvice[] {
  return Array.from({ length: 12 }, (_, i) => scheduleAdvice(`${year}-${String(i + 1).padStart(2, "0")}`, policy));
}

export interface TimingInput {
  /** Known coverage month (matched invoice, or stated by the format); derived from the dates when null. */
  coverageMonth: YearMonth | null;
  initiatedOn: IsoDate | null;
  settledOn: IsoDate | null;
  /** The member's first payment: a late or short one moves the earliest coverage start (R3). */
  firstPayment?: boolean;
  /** The first payment paid less than the amount due. */
  shortPaid?: boolean;
}

export interface TimingAssessment {
  coverageMonth: YearMonth | null;
  dueOn: IsoDate | null;
  leadDays: number | null;
  timingStatus: TimingStatus;
  earliestCoverageStart: IsoDate | null;
  findings: Finding[];
}

/** The audit question: was this payment on time for the coverage month it pays for? */
export function assessTiming(input: TimingInput, policy: TimingPolicy): TimingAssessment {
  const basis = input.initiatedOn ?? input.settledOn;
  const coverageMonth = input.coverageMonth ?? (basis ? coverageMonthFor(basis) : null);
  if (coverageMonth === null) {
    return {
      coverageMonth: null,
      dueOn: null,
      leadDays: null,
      timingStatus: "unknown",
      earliestCoverageStart: null,
      findings: [
        finding("timing_unknown", "no coverage month, initiation date or settlement date to time the payment against"),
      ],
    };
  }
  const dueOn = dueDate(coverageMonth);
  const findings: Finding[] = [];
  let lead: number | null = null;
  let status: TimingStatus = "unknown";
  if (basis === null) {
    findings.push(
      finding("timing_unknown", `no initiation or settlement date to compare with ${dueText(coverageMonth)}`),
    );
  } else {
    const timed = timeLead(input, basis, coverageMonth, policy);
    ({ lead, status } = timed);
    if (timed.finding) findings.push(timed.finding);
  }
  let earliestCoverageStart: IsoDate | null = null;
  if (input.firstPayment && (status === "late" || input.shortPaid)) {
    earliestCoverageStart = followingCoverageStart(coverageMonth);
    const code = status === "late" ? "first_payment_late" : "first_payment_short";
    const why = status === "late" ? "arrived after the due date" : "was less than the premium due";
    findings.push(
      finding(
        code,
        `the first payment ${why}, so coverage cannot start in ${formatMonth(coverageMonth)}; the earliest coverage start is ${formatLongDate(earliestCoverageStart)}`,
      ),
    );
  }
  return { coverageMonth, dueOn, leadDays: lead, timingStatus: status, earliestCoverageStart, findings };
}

/**
 * "the April 23, 2017 due date for May 2017 coverage". Formatting dates for people is the costly
 * part of timing a payment, and most findings name the due date: formatted once per month.
 */
const dueText: (coverageMonth: YearMonth) => string = memoize(
  (month) => `the ${formatLongDate(dueDate(month))} due date for ${formatMonth(month)} coverage`,
);

function timeLead(
  input: TimingInput,
  basis: IsoDate,
  coverageMonth: YearMonth,
  policy: TimingPolicy,
): { lead: number; status: TimingStatus; finding: Finding | null } {
  const dueOn = dueDate(coverageMonth);
  const lead = leadDays(basis, dueOn, policy.dayCounting);
  const settledLate = input.settledOn !== null && input.settledOn > dueOn;
  const status = settledLate ? "late" : classifyLead(lead, policy.leadWindow);
  const what = input.initiatedOn ? "initiated" : "settled";
  const { min, max } = policy.leadWindow;
  let found: Finding | null = null;
  if (status === "late") {
    const when = settledLate
      ? `settled on ${formatLongDate(input.settledOn as IsoDate)}`
      : `${what} on ${formatLongDate(basis)}`;
    found = finding("late", `${when}, after ${dueText(coverageMonth)}`);
  } else if (status === "short_lead") {
    found = finding(
      "short_lead",
      `${what} ${unit(policy.dayCounting, lead)} before ${dueText(coverageMonth)}; bank bill-pay should be set ${min}–${max} days before`,
    );
  } else if (status === "early") {
    found = finding(
      "early",
      `${what} ${unit(policy.dayCounting, lead)} before ${dueText(coverageMonth)}, more than the recommended ${max}`,
    );
  }
  return { lead, status, finding: found };
}
