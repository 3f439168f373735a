import { expect } from "chai";
import { Command, CommanderError } from "commander";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { register as registerCalendar } from "../../src/cli/commands/calendar";
import { register as registerCheckAccount } from "../../src/cli/commands/check-account";
import { register as registerTiming } from "../../src/cli/commands/timing";
import { CliExit } from "../../src/cli/exit";
import { CONFIG_ENV } from "../../src/config/config-file";
import { log, logToFile } from "../../src/log";
import { pageTable2017 } from "../rules/fixtures/page-table";
import { runBillpay, type CliRun } from "./run-billpay";

/** Runs the rules commands in-process, as cli.ts would, capturing what they write and their exit code. */
async function billpay(...args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const program = new Command("billpay")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerCheckAccount(program);
  registerCalendar(program);
  registerTiming(program);
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => (
    (stdout += String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    (stderr += String(chunk)),
    true
  )) as typeof process.stderr.write;
  let code = 0;
  try {
    await program.parseAsync(["node", "billpay", ...args]);
  } catch (error) {
    if (error instanceof CliExit) {
      code = error.code;
      if (error.message) stderr += `${error.message}\n`;
    } else if (error instanceof CommanderError) {
      code = error.exitCode;
    } else {
      throw error;
    }
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { code, stdout, stderr };
}

describe("cli: check-account, calendar, timing", () => {
  let tmp: string;
  const configEnv = process.env[CONFIG_ENV];
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "billpay-rules-"));
    // The default policy unless a test names a configuration.
    delete process.env[CONFIG_ENV];
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
    if (configEnv !== undefined) process.env[CONFIG_ENV] = configEnv;
  });

  describe("calendar", () => {
    it("calendar 2017 prints the page's coverage start and due date columns exactly", async () => {
      const r = await billpay("calendar", "2017");
      expect(r.code).to.equal(0);
      const lines = r.stdout.split("\n");
      const start = lines.findIndex((l) => l.startsWith("Coverage Start Date"));
      const table = lines.slice(start, start + 13).map((l) => l.split(/ {2,}/).slice(0, 2).join(" "));
      expect(table).to.deep.equal(pageTable2017());
      expect(lines[start + 5]).to.match(
        /^May 1, 2017 +April 23, 2017 +Sunday +April 18–20, 2017 +Thursday, April 20, 2017$/,
      );
    });

    it("--json gives ISO dates, the window and the last safe day", async () => {
      const r = await billpay("calendar", "2017", "--json");
      const doc = JSON.parse(r.stdout);
      expect(doc).to.include({ year: 2017, dayCounting: "calendar" });
      expect(doc.rows).to.have.length(12);
      expect(doc.rows[0]).to.deep.include({
        coverageMonth: "2017-01",
        coverageStart: "2017-01-01",
        dueOn: "2016-12-23",
        dueWeekday: "Friday",
        window: { from: "2016-12-18", to: "2016-12-20" },
        lastSafeDay: "2016-12-20",
      });
    });

    it("--day-counting banking moves the window onto banking days", async () => {
      const doc = JSON.parse((await billpay("calendar", "2017", "--day-counting", "banking", "--json")).stdout);
      expect(doc.dayCounting).to.equal("banking");
      // May 2017 coverage is due Sunday April 23: three banking days before is Tuesday the 18th.
      expect(doc.rows[4]).to.deep.include({
        dueOn: "2017-04-23",
        window: { from: "2017-04-14", to: "2017-04-18" },
        lastSafeDay: "2017-04-18",
      });
    });

    it("the configuration's payee section chooses the policy, and a bad key in it is named with exit code 2", async () => {
      const good = path.join(tmp, "billpay.yaml");
      writeFileSync(
        good,
        [
          "payee:",
          "  dayCounting: banking",
          "aggregators:",
          "  rpps:",
          "    source: { type: local, dir: ./in, archiveDir: leave }",
          "",
        ].join("\n"),
      );
      expect(JSON.parse((await billpay("calendar", "2017", "--config", good, "--json")).stdout).dayCounting).to.equal(
        "banking",
      );
      const bad = path.join(tmp, "bad.yaml");
      writeFileSync(
        bad,
        readFileSync(good, "utf8").replace("dayCounting: banking", "leadWindow: { min: 3, max: five }"),
      );
      const r = await billpay("calendar", "2017", "--config", bad);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include(bad).and.include("payee.leadWindow.max");
      expect(r.stdout).to.equal("");
    });

    it("a year that is not four digits, or an unknown day counting, exits 2 with a message", async () => {
      const year = await billpay("calendar", "17");
      expect(year.code).to.equal(2);
      expect(year.stderr).to.include("year must be four digits");
      const counting = await billpay("calendar", "2017", "--day-counting", "weekly");
      expect(counting.code).to.equal(2);
      expect(counting.stderr).to.include("--day-counting").and.include("banking");
    });
  });

  describe("timing", () => {
    it("answers the forward question for a coverage month", async () => {
      const r = await billpay("timing", "--coverage", "2017-05");
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/Due date: +Sunday, April 23, 2017/);
      expect(r.stdout).to.match(/Recommended window: +April 18–20, 2017/);
      expect(r.stdout).to.match(/Last safe day: +Thursday, April 20, 2017/);
    });

    it("answers the audit question: settled after the due date is late, and a late first payment moves coverage", async () => {
      const r = await billpay(
        "timing",
        "--coverage",
        "2017-05",
        "--initiated",
        "2017-04-19",
        "--settled",
        "2017-04-24",
        "--first-payment",
        "--json",
      );
      const doc = JSON.parse(r.stdout);
      expect(doc).to.include({ coverageMonth: "2017-05", dueOn: "2017-04-23", lastSafeDay: "2017-04-20" });
      expect(doc.audit).to.include({
        initiatedOn: "2017-04-19",
        leadDays: 4,
        timingStatus: "late",
        earliestCoverageStart: "2017-06-01",
      });
      expect(doc.audit.findings.map((f: { code: string }) => f.code)).to.deep.equal(["late", "first_payment_late"]);
    });

    it("derives the coverage month from the initiation date when none is given", async () => {
      const doc = JSON.parse((await billpay("timing", "--initiated", "2026-12-24", "--json")).stdout);
      expect(doc).to.include({ coverageMonth: "2027-02", dueOn: "2027-01-23" });
      expect(doc.audit).to.include({ leadDays: 30, timingStatus: "early" });
    });

    it("counts banking days when asked", async () => {
      const doc = JSON.parse(
        (
          await billpay(
            "timing",
            "--coverage",
            "2017-12",
            "--initiated",
            "2017-11-20",
            "--day-counting",
            "banking",
            "--json",
          )
        ).stdout,
      );
      expect(doc.audit).to.include({ leadDays: 2, timingStatus: "short_lead" });
    });

    it("refuses missing or malformed dates and months with exit code 2", async () => {
      for (const args of [
        [],
        ["--coverage", "2017-13"],
        ["--initiated", "2017-02-30"],
        ["--coverage", "2017-05", "--settled", "04/24/2017"],
      ]) {
        const r = await billpay("timing", ...args);
        expect(r.code, args.join(" ")).to.equal(2);
        expect(r.stderr).to.match(/--coverage|--initiated|--settled/);
        expect(r.stdout).to.equal("");
      }
    });
  });

  describe("check-account", () => {
    it("prints a valid number and exits 0", async () => {
      const r = await billpay("check-account", "712345678");
      expect(r.code).to.equal(0);
      expect(r.stdout).to.include("outcome: valid").and.include("account number: 712345678");
    });

    it("repairs blanks and dashes and says why, as JSON", async () => {
      const r = await billpay("check-account", " 7123-456-78 ", "--json");
      expect(r.code).to.equal(0);
      expect(JSON.parse(r.stdout)).to.include({ outcome: "repaired", accountNumber: "712345678" });
    });

    it("an unusable number exits 1 with the outcome and the reason", async () => {
      const r = await billpay("check-account", "71234567");
      expect(r.code).to.equal(1);
      expect(r.stdout).to.include("outcome: invalid_format").and.include("7########");
    });

    it("applies a check-digit routine given on the command line, and refuses an unknown one with exit code 2", async () => {
      // 71234567 + Luhn digit 7 = 712345677.
      expect((await billpay("check-account", "712345677", "--check-digit", "luhn")).code).to.equal(0);
      const failed = await billpay("check-account", "712345678", "--check-digit", "luhn");
      expect(failed.code).to.equal(1);
      expect(failed.stdout).to.include("check_digit_failed");
      const unknown = await billpay("check-account", "712345677", "--check-digit", "crc");
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.include("--check-digit");
    });

    it("an SSN-like value is reported masked, in text and JSON, and never printed or logged", async () => {
      const file = path.join(tmp, "log.jsonl");
      const transport = logToFile(file);
      const level = log.level;
      log.level = "debug";
      try {
        const text = await billpay("check-account", "123-45-6789");
        const json = await billpay("check-account", "123456789", "--json");
        expect(text.code).to.equal(1);
        expect(text.stdout).to.include("outcome: ssn_suspected").and.include("*****6789");
        expect(JSON.parse(json.stdout).outcome).to.equal("ssn_suspected");
        await new Promise((resolve) => setTimeout(resolve, 100));
        const logged = readFileSync(file, "utf8");
        expect(logged).to.include("ssn_suspected");
        for (const out of [text.stdout, text.stderr, json.stdout, json.stderr, logged]) {
          expect(out).not.to.include("123456789").and.not.include("123-45-6789").and.not.include("12345");
        }
      } finally {
        log.level = level;
        log.remove(transport);
      }
    });
  });

  it("log scan: the real CLI with debug logging never prints the digits of an SSN-like value", () => {
    const r = runBillpay(["check-account", "123-45-6789"], { ...process.env, LOG_LEVEL: "debug" });
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.include("ssn_suspected");
    expect(r.stderr).to.include('"level":"debug"');
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.to.include("123456789").and.not.include("123-45-6789").and.not.include("12345");
    }
  });
});
