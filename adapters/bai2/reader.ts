import { ErrorCollector, FormatError } from "../../src/adapter-kit/format-error";
import { bai2Error } from "./errors";
import type { FieldName } from "./fields";
import { readLogicalRecords, type LogicalRecord } from "./record-reader";
import { parseAccountIdentifier, type AccountIdentifier } from "./records/account-identifier";
import { parseFileHeader, type FileHeader } from "./records/file-header";
import { parseGroupHeader, type GroupHeader } from "./records/group-header";
import { parseTransactionDetail, type TransactionDetail } from "./records/transaction-detail";
import { parseAccountTrailer, parseFileTrailer, parseGroupTrailer } from "./records/trailers";

export interface ControlFigures {
  count: number | null;
  totalCents: number | null;
}

export type Bai2Event =
  | { type: "file"; header: FileHeader; line: number }
  | { type: "group"; header: GroupHeader; line: number }
  | { type: "account"; account: AccountIdentifier; group: GroupHeader; line: number }
  | { type: "detail"; detail: TransactionDetail; account: AccountIdentifier; group: GroupHeader; file: FileHeader; line: number; raw: string }
  /** `count` is the number of records, as the trailer counts them. */
  | { type: "control"; scope: "account" | "group" | "file"; label: string; line: number; declared: ControlFigures; parsed: ControlFigures };

/** Running figures of one level (file, group or account). */
interface Level {
  records: number;
  totalCents: bigint;
  /** A record of this level failed to parse: its total is unknown, so it is not compared. */
  tainted: boolean;
}

const level = (records: number): Level => ({ records, totalCents: 0n, tainted: false });

type State = "start" | "file" | "group" | "account" | "end";

const EXPECTED: Record<State, string> = {
  start: "the start of the file (a file must begin with its 01 file header)",
  file: "the file header or a group trailer (expected 02 or 99)",
  group: "the group header or an account trailer (expected 03 or 98)",
  account: "the account identifier or a transaction detail (expected 16 or 49)",
  end: "the file trailer (99)",
};

/**
 * Reads a BAI2 file as a stream of events and enforces its controls (FORMATS.md §3): each 49 total
 * is the algebraic sum of the account's 03 amounts and 16 amounts and its record count includes
 * the 03, the 88s and the 49; each 98 total sums its accounts, counts them and counts the group's
 * records from 02 to 98; the 99 does the same for the file. Verified on moov-io's samples 1–3.
 * All errors are collected and thrown at the end as FormatErrors; a file that does not start with
 * an 01 record fails at once.
 */
export async function* readBai2(input: AsyncIterable<Buffer | string>): AsyncGenerator<Bai2Event> {
  const errors = new ErrorCollector();
  let state: State = "start";
  let file: FileHeader | null = null;
  let group: GroupHeader | null = null;
  let account: AccountIdentifier | null = null;
  const fileLevel = level(0);
  let groupLevel = level(0);
  let accountLevel = level(0);
  let groups = 0;
  let accounts = 0;
  let declared49 = 0n;
  let declared98 = 0n;
  let last: LogicalRecord | null = null;
  let accountLine = 0;

  const outOfPlace = (r: LogicalRecord): void => {
    errors.add(bai2Error("out_of_place", r.line, "recordCode", { record: r.code, after: EXPECTED[state] }));
  };
  const attempt = <T>(fn: () => T, ...levels: Level[]): T | null => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      errors.add(error);
      for (const l of levels) l.tainted = true;
      return null;
    }
  };

  const checkTotal = (r: LogicalRecord, field: FieldName, record: string, declared: number, parsed: Level, what: string): void => {
    if (parsed.tainted || BigInt(declared) === parsed.totalCents) return;
    errors.add(bai2Error("control_total_mismatch", r.line, field, { record, declared, parsed: Number(parsed.totalCents), what }));
  };
  const checkCount = (r: LogicalRecord, field: FieldName, record: string, declared: number, parsed: number, what: string): void => {
    if (declared !== parsed) errors.add(bai2Error("count_mismatch", r.line, field, { record, declared, parsed, what }));
  };

  try {
    for await (const r of readLogicalRecords(input, errors)) {
      last = r;
      if (state === "start" && r.code !== "01") {
        // Not a BAI2 file (or not from its start): one error is enough.
        outOfPlace(r);
        errors.throwIfAny();
      }
      fileLevel.records += r.records;
      groupLevel.records += r.records;
      accountLevel.records += r.records;
      switch (r.code) {
        case "01": {
          if (state !== "start") {
            outOfPlace(r);
            break;
          }
          file = parseFileHeader(r);
          state = "file";
          yield { type: "file", header: file, line: r.line };
          break;
        }
        case "02": {
          if (state !== "file") {
            outOfPlace(r);
            break;
          }
          groupLevel = level(r.records);
          accounts = 0;
          declared49 = 0n;
          groups += 1;
          group = attempt(() => parseGroupHeader(r), fileLevel, groupLevel);
          state = "group";
          if (group) yield { type: "group", header: group, line: r.line };
          break;
        }
        case "03": {
          if (state !== "group") {
            outOfPlace(r);
            break;
          }
          accountLevel = level(r.records);
          accountLine = r.line;
          accounts += 1;
          state = "account";
          account = attempt(() => parseAccountIdentifier(r), fileLevel, groupLevel, accountLevel);
          if (account) {
            for (const s of account.summaries) accountLevel.totalCents += BigInt(s.amountCents ?? 0);
            if (group) yield { type: "account", account, group, line: r.line };
          }
          break;
        }
        case "16": {
          if (state !== "account") {
            outOfPlace(r);
            break;
          }
          const detail = attempt(() => parseTransactionDetail(r), fileLevel, groupLevel, accountLevel);
          if (!detail) break;
          accountLevel.totalCents += BigInt(detail.amountCents);
          if (account && group && file) yield { type: "detail", detail, account, group, file, line: r.line, raw: r.raw };
          break;
        }
        case "49": {
          if (state !== "account") {
            outOfPlace(r);
            break;
          }
          state = "group";
          const trailer = attempt(() => parseAccountTrailer(r), fileLevel, groupLevel);
          groupLevel.totalCents += accountLevel.totalCents;
          if (accountLevel.tainted) groupLevel.tainted = true;
          if (!trailer) break;
          declared49 += BigInt(trailer.accountControlTotal);
          const parsedTotal = Number(accountLevel.totalCents);
          const from = `account from line ${accountLine}`;
          checkTotal(r, "49.accountControlTotal", "49 account control total", trailer.accountControlTotal, accountLevel, `the 03 and 16 amounts of the ${from}`);
          checkCount(r, "49.numberOfRecords", "49 number of records", trailer.numberOfRecords, accountLevel.records, "the account has, from its 03 through this 49 (88s included),");
          yield control("account", from, r.line, trailer.accountControlTotal, trailer.numberOfRecords, parsedTotal, accountLevel);
          account = null;
          break;
        }
        case "98": {
          if (state !== "group") {
            outOfPlace(r);
            break;
          }
          state = "file";
          const trailer = attempt(() => parseGroupTrailer(r), fileLevel);
          fileLevel.totalCents += groupLevel.totalCents;
          if (groupLevel.tainted) fileLevel.tainted = true;
          if (!trailer) break;
          declared98 += BigInt(trailer.groupControlTotal);
          const parsedTotal = Number(groupLevel.totalCents);
          checkTotal(r, "98.groupControlTotal", "98 group control total", trailer.groupControlTotal, groupLevel, `the group's 03 and 16 amounts (its 49 records declare ${declared49})`);
          checkCount(r, "98.numberOfAccounts", "98 number of accounts", trailer.numberOfAccounts, accounts, "the group has (03 records)");
          checkCount(r, "98.numberOfRecords", "98 number of records", trailer.numberOfRecords, groupLevel.records, "the group has, from its 02 through this 98 (88s included),");
          yield control("group", `group ${groups}`, r.line, trailer.groupControlTotal, trailer.numberOfRecords, parsedTotal, groupLevel);
          group = null;
          break;
        }
        case "99": {
          if (state !== "file") {
            outOfPlace(r);
            break;
          }
          state = "end";
          const trailer = attempt(() => parseFileTrailer(r));
          if (!trailer) break;
          const parsedTotal = Number(fileLevel.totalCents);
          checkTotal(r, "99.fileControlTotal", "99 file control total", trailer.fileControlTotal, fileLevel, `the file's 03 and 16 amounts (its 98 records declare ${declared98})`);
          checkCount(r, "99.numberOfGroups", "99 number of groups", trailer.numberOfGroups, groups, "the file has (02 records)");
          checkCount(r, "99.numberOfRecords", "99 number of records", trailer.numberOfRecords, fileLevel.records, "the file has, from its 01 through this 99 (88s included),");
          yield control("file", "file", r.line, trailer.fileControlTotal, trailer.numberOfRecords, parsedTotal, fileLevel);
          break;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    errors.add(error);
    errors.throwIfAny();
  }
  if (state !== "end" && last) {
    const missing = { file: "its 99 file trailer", group: "the 98 group trailer of its last group", account: "the 49 account trailer of its last account", start: "an 01 file header", end: "" }[state];
    errors.add(bai2Error("truncated", last.line, state === "account" ? "49" : state === "group" ? "98" : "99", { missing }));
  }
  errors.throwIfAny();
}

function control(
  scope: "account" | "group" | "file",
  label: string,
  line: number,
  declaredTotal: number,
  declaredCount: number,
  parsedTotal: number,
  parsed: Level,
): Bai2Event {
  return {
    type: "control",
    scope,
    label,
    line,
    declared: { count: declaredCount, totalCents: declaredTotal },
    parsed: { count: parsed.records, totalCents: parsed.tainted ? null : parsedTotal },
  };
}
