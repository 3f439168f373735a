import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_PAYEE_POLICY } from "../../src/rules/payee-policy-defaults";
import { addDays, formatLongDate } from "../../src/rules/local-date";
import {
  assessTiming,
  calendarRows,
  classifyLead,
  coverageMonthFor,
  dueDate,
  leadDays,
  scheduleAdvice,
  type TimingPolicy,
} from "../../src/rules/timing";
import { pageTable2017 } from "./fixtures/page-table";

const calendar: TimingPolicy = DEFAULT_PAYEE_POLICY;
const banking: TimingPolicy = { ...DEFAULT_PAYEE_POLICY, dayCounting: "banking" };

describe("rules/timing", () => {
  describe("due dates", () => {
    it("reproduces the payee page's 2017 table exactly", () => {
      const [heading, ...rows] = pageTable2017();
      expect(heading).to.equal("Coverage Start Date Payment Due Date");
      const ours = calendarRows(2017, calendar).map(
        (r) => `${formatLongDate(r.coverageStart)} ${formatLongDate(r.dueOn)}`,
      );
      expect(ours).to.deep.equal(rows);
    });

    it("keeps a Sunday due date where it is (May 2017 coverage is due Sunday April 23)", () => {
      const advice = scheduleAdvice("2017-05", calendar);
      expect(advice.dueOn).to.equal("2017-04-23");
      expect(advice.dueWeekday).to.equal("Sunday");
    });

    const table: [string, string, string, string, string][] = [
      // coverage, due, due weekday, banking window from, banking window to (last safe day)
      ["2026-01", "2025-12-23", "Tuesday", "2025-12-16", "2025-12-18"],
      ["2026-02", "2026-01-23", "Friday", "2026-01-15", "2026-01-20"],
      ["2026-03", "2026-02-23", "Monday", "2026-02-13", "2026-02-18"],
      ["2026-04", "2026-03-23", "Monday", "2026-03-16", "2026-03-18"],
      ["2026-05", "2026-04-23", "Thursday", "2026-04-16", "2026-04-20"],
      ["2026-06", "2026-05-23", "Saturday", "2026-05-15", "2026-05-19"],
      ["2026-07", "2026-06-23", "Tuesday", "2026-06-15", "2026-06-17"],
      ["2026-08", "2026-07-23", "Thursday", "2026-07-16", "2026-07-20"],
      ["2026-09", "2026-08-23", "Sunday", "2026-08-14", "2026-08-18"],
      ["2026-10", "2026-09-23", "Wednesday", "2026-09-16", "2026-09-18"],
      ["2026-11", "2026-10-23", "Friday", "2026-10-16", "2026-10-20"],
      ["2026-12", "2026-11-23", "Monday", "2026-11-16", "2026-11-18"],
      ["2027-01", "2026-12-23", "Wednesday", "2026-12-16", "2026-12-18"],
      ["2027-02", "2027-01-23", "Saturday", "2027-01-14", "2027-01-19"],
      ["2027-03", "2027-02-23", "Tuesday", "2027-02-16", "2027-02-18"],
      ["2027-04", "2027-03-23", "Tuesday", "2027-03-16", "2027-03-18"],
      ["2027-05", "2027-04-23", "Friday", "2027-04-16", "2027-04-20"],
      ["2027-06", "2027-05-23", "Sunday", "2027-05-14", "2027-05-18"],
      ["2027-07", "2027-06-23", "Wednesday", "2027-06-16", "2027-06-18"],
      ["2027-08", "2027-07-23", "Friday", "2027-07-16", "2027-07-20"],
      ["2027-09", "2027-08-23", "Monday", "2027-08-16", "2027-08-18"],
      ["2027-10", "2027-09-23", "Thursday", "2027-09-16", "2027-09-20"],
      ["2027-11", "2027-10-23", "Saturday", "2027-10-15", "2027-10-19"],
      ["2027-12", "2027-11-23", "Tuesday", "2027-11-16", "2027-11-18"],
    ];
    for (const [month, due, weekday, from, to] of table) {
      it(`coverage ${month} is due ${weekday} ${due}; a bank bill-pay under banking days goes ${from} … ${to}`, () => {
        expect(dueDate(month)).to.equal(due);
        const cal = scheduleAdvice(month, calendar);
        expect(cal.dueWeekday).to.equal(weekday);
        expect(cal.window).to.deep.equal({ from: addDays(due, -5), to: addDays(due, -3) });
        expect(cal.lastSafeDay).to.equal(addDays(due, -3));
        const bank = scheduleAdvice(month, banking);
        expect(bank.window).to.deep.equal({ from, to });
        expect(bank.lastSafeDay).to.equal(to);
      });
    }

    it("every due date is the 23rd of the month before coverage", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1900, max: 2200 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
          const due = dueDate(`${year}-${String(month).padStart(2, "0")}`);
          const [py, pm] = month === 1 ? [year - 1, 12] : [year, month - 1];
          expect(due).to.equal(`${py}-${String(pm).padStart(2, "0")}-23`);
        }),
      );
    });
  });

  describe("coverage month for a date", () => {
    it("is next month up to and including the 23rd, and the month after from the 24th", () => {
      expect(coverageMonthFor("2017-03-01")).to.equal("2017-04");
      expect(coverageMonthFor("2017-03-23")).to.equal("2017-04");
      expect(coverageMonthFor("2017-03-24")).to.equal("2017-05");
    });

    it("crosses from December into January and February", () => {
      expect(coverageMonthFor("2026-12-23")).to.equal("2027-01");
      expect(coverageMonthFor("2026-12-24")).to.equal("2027-02");
      expect(coverageMonthFor("2026-11-30")).to.equal("2027-01");
    });

    it("is the first coverage month whose due date is on or after the date", () => {
      fc.assert(
        fc.property(
          fc.date({
            min: new Date("1990-01-01T12:00:00Z"),
            max: new Date("2100-12-31T12:00:00Z"),
            noInvalidDate: true,
          }),
          (d) => {
            const day = d.toISOString().slice(0, 10);
            const month = coverageMonthFor(day);
            expect(dueDate(month) >= day).to.equal(true);
            const [y, m] = month.split("-").map(Number);
            const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
            expect(dueDate(previous) < day).to.equal(true);
          },
        ),
      );
    });
  });

  describe("lead and classification", () => {
    it("counts calendar days across a leap day", () => {
      expect(leadDays("2024-02-25", dueDate("2024-04"), "calendar")).to.equal(27);
      expect(leadDays("2023-02-25", dueDate("2023-04"), "calendar")).to.equal(26);
      expect(dueDate("2024-03")).to.equal("2024-02-23");
      expect(coverageMonthFor("2024-02-29")).to.equal("2024-04");
    });

    it("classifies by the 3–5 day window", () => {
      const w = DEFAULT_PAYEE_POLICY.leadWindow;
      expect([6, 5, 3, 2, 0, -1].map((n) => classifyLead(n, w))).to.deep.equal([
        "early",
        "recommended",
        "recommended",
        "short_lead",
        "short_lead",
        "late",
      ]);
    });

    it("a payment initiated on the 23rd itself pays next month's coverage with a lead of 0: short_lead", () => {
      const t = assessTiming({ coverageMonth: null, initiatedOn: "2026-03-23", settledOn: "2026-03-23" }, calendar);
      expect(t).to.include({ coverageMonth: "2026-04", dueOn: "2026-03-23", leadDays: 0, timingStatus: "short_lead" });
      expect(t.findings.map((f) => f.code)).to.deep.equal(["short_lead"]);
    });

    it("a payment initiated in time that settles on the 24th is late", () => {
      const t = assessTiming({ coverageMonth: null, initiatedOn: "2026-03-19", settledOn: "2026-03-24" }, calendar);
      expect(t).to.include({ coverageMonth: "2026-04", leadDays: 4, timingStatus: "late" });
      expect(t.findings[0].code).to.equal("late");
      expect(t.findings[0].message).to.include("March 24, 2026");
    });

    it("a settlement on the 24th with no initiation date pays the month after next", () => {
      const t = assessTiming({ coverageMonth: null, initiatedOn: null, settledOn: "2026-03-24" }, calendar);
      expect(t).to.include({ coverageMonth: "2026-05", dueOn: "2026-04-23", leadDays: 30, timingStatus: "early" });
    });

    it("a settlement on the 24th for an invoiced month is late, and late for a first payment moves coverage a month", () => {
      const t = assessTiming(
        { coverageMonth: "2026-04", initiatedOn: null, settledOn: "2026-03-24", firstPayment: true },
        calendar,
      );
      expect(t).to.include({ timingStatus: "late", leadDays: -1, earliestCoverageStart: "2026-05-01" });
      expect(t.findings.map((f) => f.code)).to.deep.equal(["late", "first_payment_late"]);
    });

    it("a short first payment moves the earliest coverage start even when on time", () => {
      const t = assessTiming(
        {
          coverageMonth: "2027-01",
          initiatedOn: "2026-12-18",
          settledOn: "2026-12-21",
          firstPayment: true,
          shortPaid: true,
        },
        calendar,
      );
      expect(t).to.include({ timingStatus: "recommended", earliestCoverageStart: "2027-02-01" });
      expect(t.findings.map((f) => f.code)).to.deep.equal(["first_payment_short"]);
    });

    it("an on-time, full payment records no earliest coverage start", () => {
      const t = assessTiming(
        { coverageMonth: "2027-01", initiatedOn: "2026-12-18", settledOn: "2026-12-21", firstPayment: true },
        calendar,
      );
      expect(t).to.include({ timingStatus: "recommended", earliestCoverageStart: null });
      expect(t.findings).to.deep.equal([]);
    });

    it("without any date the timing is unknown but the due date of a known month is kept", () => {
      const t = assessTiming({ coverageMonth: "2027-01", initiatedOn: null, settledOn: null }, calendar);
      expect(t).to.include({ dueOn: "2026-12-23", leadDays: null, timingStatus: "unknown" });
    });

    it("banking days across Thanksgiving make a calendar-recommended lead short", () => {
      // December 2017 coverage is due on Thanksgiving itself, Thursday 2017-11-23.
      const input = { coverageMonth: "2017-12", initiatedOn: "2017-11-20", settledOn: null };
      expect(assessTiming(input, calendar)).to.include({ leadDays: 3, timingStatus: "recommended" });
      expect(assessTiming(input, banking)).to.include({ leadDays: 2, timingStatus: "short_lead" });
    });

    it("banking days across Juneteenth (Friday 2026-06-19) shorten the lead", () => {
      const input = { coverageMonth: "2026-07", initiatedOn: "2026-06-18", settledOn: null };
      expect(assessTiming(input, calendar)).to.include({ leadDays: 5, timingStatus: "recommended" });
      expect(assessTiming(input, banking)).to.include({ leadDays: 2, timingStatus: "short_lead" });
    });

    it("banking days after Christmas count a late payment's shortfall", () => {
      // January 2027 coverage is due Wednesday 2026-12-23; sent Monday the 28th after the Christmas Friday.
      const t = assessTiming({ coverageMonth: "2027-01", initiatedOn: "2026-12-28", settledOn: null }, banking);
      expect(t).to.include({ leadDays: -2, timingStatus: "late" });
      expect(leadDays("2026-12-28", "2026-12-23", "calendar")).to.equal(-5);
    });

    it("banking days across a Sunday holiday observed Monday (2027-07-05)", () => {
      expect(leadDays("2027-07-01", "2027-07-06", "banking")).to.equal(2);
      expect(leadDays("2027-07-01", "2027-07-06", "calendar")).to.equal(5);
    });

    const rank = { early: 3, recommended: 2, short_lead: 1, late: 0, unknown: -1, not_applicable: -1 } as const;
    for (const policy of [calendar, banking]) {
      it(`lead classification is monotonic in the initiation date (${policy.dayCounting} days)`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 2016, max: 2030 }),
            fc.integer({ min: 1, max: 12 }),
            fc.integer({ min: -40, max: 10 }),
            fc.integer({ min: 0, max: 20 }),
            (year, m, offset, gap) => {
              const month = `${year}-${String(m).padStart(2, "0")}`;
              const due = dueDate(month);
              const earlier = addDays(due, offset);
              const later = addDays(earlier, gap);
              const a = assessTiming({ coverageMonth: month, initiatedOn: earlier, settledOn: null }, policy);
              const b = assessTiming({ coverageMonth: month, initiatedOn: later, settledOn: null }, policy);
              expect(rank[b.timingStatus]).to.be.at.most(rank[a.timingStatus]);
              expect(b.leadDays as number).to.be.at.most(a.leadDays as number);
            },
          ),
        );
      });
    }
  });
});
