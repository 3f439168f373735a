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
  | {
      type: "detail";
      detail: TransactionDetail;
      account: AccountIdentifier;
      group: GroupHeader;
      file: FileHeader;
      line: number;
      raw: string;
    }
  /** `count` is the number of records, as the trailer counts them. */
  | {
      type: "control";
      scope: "account" | "group" | "file";
      label: string;
      line: number;
      declared: ControlFigures;
      parsed: ControlFigures;
    };

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

/** Which state each record may appear in: anywhere else it is out of place. */
const PLACE: Record<LogicalRecord["code"], State> = {
  "01": "start",
  "02": "file",
  "03": "group",
  "16": "account",
  "49": "account",
  "98": "group",
  "99": "file",
};

/** What a file that ends in each state lacks, and the field its truncation error names. */
const MISSING: Record<Exclude<State, "end">, { missing: string; field: string }> = {
  start: { missing: "an 01 file header", field: "99" },
  file: { missing: "its 99 file trailer", field: "99" },
  group: { missing: "the 98 group trailer of its last group", field: "98" },
  account: { missing: "the 49 account trailer of its last account", field: "49" },
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
  const reader = new Bai2Reader();
  try {
    for await (const r of readLogicalRecords(input, reader.errors)) {
      const out: Bai2Event[] = [];
      reader.record(r, out);
      yield* out;
    }
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    reader.errors.add(error);
    reader.errors.throwIfAny();
  }
  reader.end();
}

/**
 * The BAI2 state machine, fed one logical record at a time: the open file, group and account, and
 * the running figures of each level that its trailer is compared with. Synchronous, like
 * NachaParser: readBai2 yields one record's events before it reads the next, so the file streams.
 */
class Bai2Reader {
  readonly errors = new ErrorCollector();
  private state: State = "start";
  private file: FileHeader | null = null;
  private group: GroupHeader | null = null;
  private account: AccountIdentifier | null = null;
  private readonly fileLevel = level(0);
  private groupLevel = level(0);
  private accountLevel = level(0);
  private groups = 0;
  /** Accounts of the open group: what its 98 counts. */
  private accounts = 0;
  /** The 49 totals of the open group, and the 98 totals of the file: quoted when a sum differs. */
  private declared49 = 0n;
  private declared98 = 0n;
  private accountLine = 0;
  private last: LogicalRecord | null = null;

  record(r: LogicalRecord, out: Bai2Event[]): void {
    this.last = r;
    if (this.state === "start" && r.code !== "01") {
      // Not a BAI2 file (or not from its start): one error is enough.
      this.outOfPlace(r);
      this.errors.throwIfAny();
    }
    this.fileLevel.records += r.records;
    this.groupLevel.records += r.records;
    this.accountLevel.records += r.records;
    if (this.state !== PLACE[r.code]) return this.outOfPlace(r);
    switch (r.code) {
      case "01":
        return this.fileHeader(r, out);
      case "02":
        return this.groupHeader(r, out);
      case "03":
        return this.accountIdentifier(r, out);
      case "16":
        return this.transactionDetail(r, out);
      case "49":
        return this.accountTrailer(r, out);
      case "98":
        return this.groupTrailer(r, out);
      case "99":
        return this.fileTrailer(r, out);
    }
  }

  /** Call after the last record: reports a file cut before its trailers, then throws FormatErrors if anything was wrong. */
  end(): void {
    if (this.state !== "end" && this.last) {
      const { missing, field } = MISSING[this.state];
      this.errors.add(bai2Error("truncated", this.last.line, field, { missing }));
    }
    this.errors.throwIfAny();
  }

  private fileHeader(r: LogicalRecord, out: Bai2Event[]): void {
    this.file = parseFileHeader(r);
    this.state = "file";
    out.push({ type: "file", header: this.file, line: r.line });
  }

  private groupHeader(r: LogicalRecord, out: Bai2Event[]): void {
    this.groupLevel = level(r.records);
    this.accounts = 0;
    this.declared49 = 0n;
    this.groups += 1;
    this.group = this.attempt(() => parseGroupHeader(r), this.fileLevel, this.groupLevel);
    this.state = "group";
    if (this.group) out.push({ type: "group", header: this.group, line: r.line });
  }

  private accountIdentifier(r: LogicalRecord, out: Bai2Event[]): void {
    this.accountLevel = level(r.records);
    this.accountLine = r.line;
    this.accounts += 1;
    this.state = "account";
    const account = this.attempt(() => parseAccountIdentifier(r), this.fileLevel, this.groupLevel, this.accountLevel);
    this.account = account;
    if (!account) return;
    for (const s of account.summaries) this.accountLevel.totalCents += BigInt(s.amountCents ?? 0);
    if (this.group) out.push({ type: "account", account, group: this.group, line: r.line });
  }

  private transactionDetail(r: LogicalRecord, out: Bai2Event[]): void {
    const detail = this.attempt(() => parseTransactionDetail(r), this.fileLevel, this.groupLevel, this.accountLevel);
    if (!detail) return;
    this.accountLevel.totalCents += BigInt(detail.amountCents);
    const { account, group, file } = this;
    if (account && group && file) out.push({ type: "detail", detail, account, group, file, line: r.line, raw: r.raw });
  }

  private accountTrailer(r: LogicalRecord, out: Bai2Event[]): void {
    this.state = "group";
    const trailer = this.attempt(() => parseAccountTrailer(r), this.fileLevel, this.groupLevel);
    const account = this.accountLevel;
    this.groupLevel.totalCents += account.totalCents;
    if (account.tainted) this.groupLevel.tainted = true;
    if (!trailer) return;
    this.declared49 += BigInt(trailer.accountControlTotal);
    const from = `account from line ${this.accountLine}`;
    this.checkTotal(
      r,
      "49.accountControlTotal",
      "49 account control total",
      trailer.accountControlTotal,
      account,
      `the 03 and 16 amounts of the ${from}`,
    );
    this.checkCount(
      r,
      "49.numberOfRecords",
      "49 number of records",
      trailer.numberOfRecords,
      account.records,
      "the account has, from its 03 through this 49 (88s included),",
    );
    out.push(control("account", from, r.line, trailer.accountControlTotal, trailer.numberOfRecords, account));
    this.account = null;
  }

  private groupTrailer(r: LogicalRecord, out: Bai2Event[]): void {
    this.state = "file";
    const trailer = this.attempt(() => parseGroupTrailer(r), this.fileLevel);
    const group = this.groupLevel;
    this.fileLevel.totalCents += group.totalCents;
    if (group.tainted) this.fileLevel.tainted = true;
    if (!trailer) return;
    this.declared98 += BigInt(trailer.groupControlTotal);
    this.checkTotal(
      r,
      "98.groupControlTotal",
      "98 group control total",
      trailer.groupControlTotal,
      group,
      `the group's 03 and 16 amounts (its 49 records declare ${this.declared49})`,
    );
    this.checkCount(
      r,
      "98.numberOfAccounts",
      "98 number of accounts",
      trailer.numberOfAccounts,
      this.accounts,
      "the group has (03 records)",
    );
    this.checkCount(
      r,
      "98.numberOfRecords",
      "98 number of records",
      trailer.numberOfRecords,
      group.records,
      "the group has, from its 02 through this 98 (88s included),",
    );
    out.push(
      control("group", `group ${this.groups}`, r.line, trailer.groupControlTotal, trailer.numberOfRecords, group),
    );
    this.group = null;
  }

  private fileTrailer(r: LogicalRecord, out: Bai2Event[]): void {
    this.state = "end";
    const trailer = this.attempt(() => parseFileTrailer(r));
    if (!trailer) return;
    const file = this.fileLevel;
    this.checkTotal(
      r,
      "99.fileControlTotal",
      "99 file control total",
      trailer.fileControlTotal,
      file,
      `the file's 03 and 16 amounts (its 98 records declare ${this.declared98})`,
    );
    this.checkCount(
      r,
      "99.numberOfGroups",
      "99 number of groups",
      trailer.numberOfGroups,
      this.groups,
      "the file has (02 records)",
    );
    this.checkCount(
      r,
      "99.numberOfRecords",
      "99 number of records",
      trailer.numberOfRecords,
      file.records,
      "the file has, from its 01 through this 99 (88s included),",
    );
    out.push(control("file", "file", r.line, trailer.fileControlTotal, trailer.numberOfRecords, file));
  }

  private outOfPlace(r: LogicalRecord): void {
    this.errors.add(bai2Error("out_of_place", r.line, "recordCode", { record: r.code, after: EXPECTED[this.state] }));
  }

  /** Parses a record; on a FormatError, collects it and taints the levels whose totals it would have fed. */
  private attempt<T>(parse: () => T, ...levels: Level[]): T | null {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      this.errors.add(error);
      for (const l of levels) l.tainted = true;
      return null;
    }
  }

  private checkTotal(
    r: LogicalRecord,
    field: FieldName,
    record: string,
    declared: number,
    parsed: Level,
    what: string,
  ): void {
    if (parsed.tainted || BigInt(declared) === parsed.totalCents) return;
    this.errors.add(
      bai2Error("control_total_mismatch", r.line, field, { record, declared, parsed: Number(parsed.totalCents), what }),
    );
  }

  private checkCount(
    r: LogicalRecord,
    field: FieldName,
    record: string,
    declared: number,
    parsed: number,
    what: string,
  ): void {
    if (declared !== parsed)
      this.errors.add(bai2Error("count_mismatch", r.line, field, { record, declared, parsed, what }));
  }
}

function control(
  scope: "account" | "group" | "file",
  label: string,
  line: number,
  declaredTotal: number,
  declaredCount: number,
  parsed: Level,
): Bai2Event {
  return {
    type: "control",
    scope,
    label,
    line,
    declared: { count: declaredCount, totalCents: declaredTotal },
    parsed: { count: parsed.records, totalCents: parsed.tainted ? null : Number(parsed.totalCents) },
  };
}
