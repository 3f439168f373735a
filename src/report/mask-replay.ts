import type { DataSource } from "typeorm";
import type { AccountStatus, MatchStatus } from "../model";
import type { IsoDate } from "../model/dates";
import type { PayeePolicy } from "../rules/payee-policy";
import { checkAccount } from "../rules/account";
import { centsFromDb } from "../store/columns";

/**
 * Stored payments replayed through a candidate payee policy, as the member's bank would check
 * them if the payee registered its masks: which exceptions the bank would have stopped, and which
 * good payments it would have refused. Read a batch at a time (keyset on id), never all in memory.
 */

/** What became of a payment that was stored: bad (an exception) or good (an account billing data knows). */
export type StoredVerdict = "invalid_format" | "check_digit_failed" | "ssn_suspected" | "unknown_account" | "good";

export interface ReplayCount {
  aggregator: string;
  /** The stored verdict for `stopped` and `passed`; the candidate's refusal for `wronglyRefused`. */
  reason: string;
  payments: number;
  cents: number;
}

export interface MaskReplay {
  from: IsoDate;
  to: IsoDate;
  replayed: number;
  /** Bad payments the candidate would have stopped at the bank. */
  stopped: ReplayCount[];
  /** Bad payments it would have let through (they would still arrive as exceptions). */
  passed: ReplayCount[];
  /** Good payments it would have refused. */
  wronglyRefused: ReplayCount[];
}

interface ReplayRow {
  id: string;
  aggregator: string;
  account_raw: string | null;
  account_status: AccountStatus;
  match_status: MatchStatus;
  amount_cents: string;
}

const BATCH = 10_000;
const ACCEPTED = new Set<AccountStatus>(["valid", "repaired"]);

export function storedVerdict(accountStatus: AccountStatus, matchStatus: MatchStatus): StoredVerdict {
  if (accountStatus === "invalid_format" || accountStatus === "check_digit_failed" || accountStatus === "ssn_suspected")
    return accountStatus;
  return matchStatus === "unknown_account" || accountStatus === "unknown_account" ? "unknown_account" : "good";
}

/** Active payments (not reversals, returns, prenotes or notices) settled from `from` to `to`, both included. */
export async function replayMasks(
  db: DataSource,
  range: { from: IsoDate; to: IsoDate },
  candidate: Pick<PayeePolicy, "masks" | "checkDigit">,
): Promise<MaskReplay> {
  const tally = new Tally();
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = (await db.query(
      `SELECT id, aggregator, account_raw, account_status, match_status, amount_cents::text AS amount_cents
         FROM payments
        WHERE kind = 'payment' AND status = 'active' AND settled_on BETWEEN $1 AND $2 AND id > $3
        ORDER BY id LIMIT ${BATCH}`,
      [range.from, range.to, after],
    )) as ReplayRow[];
    for (const r of rows) tally.add(r, checkAccount(r.account_raw, candidate).status);
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }
  return { ...range, ...tally.result() };
}

class Tally {
  private replayed = 0;
  private readonly groups = { stopped: new Map<string, ReplayCount>(), passed: new Map(), wronglyRefused: new Map() };

  add(r: ReplayRow, candidate: AccountStatus): void {
    this.replayed += 1;
    const stored = storedVerdict(r.account_status, r.match_status);
    const refused = !ACCEPTED.has(candidate);
    if (stored === "good") {
      if (refused) this.count("wronglyRefused", r, candidate);
    } else this.count(refused ? "stopped" : "passed", r, stored);
  }

  private count(group: keyof Tally["groups"], r: ReplayRow, reason: string): void {
    const key = `${r.aggregator}\u0000${reason}`;
    const c = this.groups[group].get(key) ?? { aggregator: r.aggregator, reason, payments: 0, cents: 0 };
    c.payments += 1;
    c.cents += centsFromDb(r.amount_cents);
    this.groups[group].set(key, c);
  }

  result(): Omit<MaskReplay, "from" | "to"> {
    const sorted = (m: Map<string, ReplayCount>) =>
      [...m.values()].sort((a, b) => a.aggregator.localeCompare(b.aggregator) || a.reason.localeCompare(b.reason));
    return {
      replayed: this.replayed,
      stopped: sorted(this.groups.stopped),
      passed: sorted(this.groups.passed),
      wronglyRefused: sorted(this.groups.wronglyRefused),
    };
  }
}
