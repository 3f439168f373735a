import { createHash } from "node:crypto";
import type { Sql } from "../store/sql";

/** The prev_hash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** Entries read per query while verifying: memory stays flat however long the log is. */
const VERIFY_BATCH = 10_000;

/** Where the chain stood at one moment: held by an outsider, it pins every entry up to it. */
export interface ChainHead {
  seq: number;
  hash: string;
  /** When the head entry was written (UTC). */
  at: string;
}

export type ChainProblemKind = "changed" | "removed" | "inserted" | "unchained" | "head";

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The entry named (for `removed`, the seq that is missing), null when the chain is too short for the head. */
  seq: number | null;
  id: string | null;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries whose hash was checked before the first problem (all of them when ok). */
  checked: number;
  head: ChainHead | null;
  problem: ChainProblem | null;
}

/** A link with its entry as verification reads them: jsonb as PostgreSQL writes it, `at` in canonical form. */
interface ChainRow {
  seq: string;
  prev_hash: string;
  hash: string;
  /** The link's entry id; the entry's own columns are null when it is gone. */
  entry_id: string;
  id: string | null;
  at: string;
  actor: string;
  entity: string;
  entity_id: string;
  action: string;
  before: string | null;
  after: string | null;
  payment_id: string | null;
  note: string | null;
}

const AT_UTC = `to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The canonical text of an entry: what PostgreSQL writes for jsonb_build_array(seq, id, at, actor,
 * entity, entity_id, action, before, after, payment_id, note) (billpay_audit_canonical). Built
 * here again, not asked of the database, so that verifying does not trust a function its owner
 * could replace; strings escape alike in both (JSON.stringify and jsonb's output).
 */
export function canonicalEntry(r: Omit<ChainRow, "prev_hash" | "hash" | "id">): string {
  const text = (v: string | null) => (v === null ? "null" : JSON.stringify(v));
  const fields = [r.seq, r.entry_id, text(r.at), text(r.actor), text(r.entity), text(r.entity_id), text(r.action)];
  return `[${[...fields, r.before ?? "null", r.after ?? "null", text(r.payment_id), text(r.note)].join(", ")}]`;
}

export function entryHash(prevHash: string, canonical: string): string {
  return createHash("sha256")
    .update(prevHash + canonical, "utf8")
    .digest("hex");
}

// Ordered by the column (c.seq), not the text output column of the same name.

/** The newest chained entry, or null on an empty log. */
export async function chainHead(sql: Sql): Promise<ChainHead | null> {
  const [row] = (await sql.query(
    `SELECT c.seq::text AS seq, c.hash, ${AT_UTC} AS at
       FROM audit_chain c LEFT JOIN audit_log a ON a.id = c.entry_id ORDER BY c.seq DESC LIMIT 1`,
  )) as { seq: string; hash: string; at: string }[];
  return row ? { seq: Number(row.seq), hash: row.hash, at: row.at } : null;
}

/** State carried from one entry to the next while walking. */
interface Walk {
  expected: number;
  prevHash: string;
  /** The hash before prevHash: an entry chained to it skipped one that was slipped in between. */
  prevPrevHash: string | null;
  prevId: string | null;
  checked: number;
  sawHead: boolean;
}

/** The first thing wrong with `r` given the walk so far, or null when it is the next link. */
function checkEntry(w: Walk, r: ChainRow): ChainProblem | null {
  const seq = Number(r.seq);
  if (seq > w.expected) {
    const message = `entry seq ${w.expected} is missing (removed): seq ${seq} (id ${r.entry_id}) comes after seq ${w.expected - 1}`;
    return { kind: "removed", seq: w.expected, id: null, message };
  }
  if (r.id === null) {
    const message = `entry seq ${seq} (id ${r.entry_id}) is missing (removed): its link in the chain is left`;
    return { kind: "removed", seq, id: r.entry_id, message };
  }
  if (r.prev_hash !== w.prevHash) {
    if (r.prev_hash === w.prevPrevHash) {
      const message = `entry seq ${seq - 1} (id ${w.prevId ?? "?"}) was inserted: seq ${seq} (id ${r.entry_id}) was chained to the entry before it`;
      return { kind: "inserted", seq: seq - 1, id: w.prevId, message };
    }
    const message = `entry seq ${seq} (id ${r.entry_id}) does not follow seq ${seq - 1}: entries were removed, inserted or reordered before it`;
    return { kind: "inserted", seq, id: r.id, message };
  }
  if (entryHash(w.prevHash, canonicalEntry(r)) !== r.hash) {
    return {
      kind: "changed",
      seq,
      id: r.id,
      message: `entry seq ${seq} (id ${r.entry_id}) was changed: it no longer hashes to its hash`,
    };
  }
  return null;
}

function checkHead(w: Walk, r: ChainRow, head: ChainHead | undefined): ChainProblem | null {
  if (!head || Number(r.seq) !== head.seq) return null;
  w.sawHead = true;
  if (r.hash === head.hash) return null;
  const message = `entry seq ${head.seq} (id ${r.entry_id}) is not the exported head: its hash differs, so the chain up to it was rewritten`;
  return { kind: "head", seq: head.seq, id: r.id, message };
}

/** An entry committed without a link: written with the chain's trigger disabled. */
async function firstUnchained(sql: Sql): Promise<ChainProblem | null> {
  const [row] = (await sql.query(
    `SELECT a.id::text AS id FROM audit_log a
      WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.entry_id = a.id) ORDER BY a.id LIMIT 1`,
  )) as {
    id: string;
  }[];
  if (!row) return null;
  return {
    kind: "unchained",
    seq: null,
    id: row.id,
    message: `entry id ${row.id} is outside the chain (inserted unchained)`,
  };
}

/**
 * Walks the whole chain in seq order, a batch at a time, recomputing every hash; stops at the first
 * entry that was changed, removed or inserted out of order. With `head` (an earlier export) the
 * chain must also still pass through it: removing entries from the end is only visible that way.
 */
export async function verifyChain(sql: Sql, head?: ChainHead): Promise<VerifyResult> {
  const unchained = await firstUnchained(sql);
  if (unchained) return { ok: false, checked: 0, head: null, problem: unchained };
  const w: Walk = { expected: 1, prevHash: GENESIS_HASH, prevPrevHash: null, prevId: null, checked: 0, sawHead: false };
  let last: ChainHead | null = null;
  for (;;) {
    const rows = (await sql.query(
      `SELECT c.seq::text AS seq, c.prev_hash, c.hash, c.entry_id::text AS entry_id, a.id::text AS id, ${AT_UTC} AS at,
              a.actor, a.entity, a.entity_id, a.action, a.before::text AS before, a.after::text AS after,
              a.payment_id::text AS payment_id, a.note
         FROM audit_chain c LEFT JOIN audit_log a ON a.id = c.entry_id
        WHERE c.seq >= $1 ORDER BY c.seq LIMIT $2`,
      [w.expected, VERIFY_BATCH],
    )) as ChainRow[];
    for (const r of rows) {
      const problem = checkEntry(w, r) ?? checkHead(w, r, head);
      if (problem) return { ok: false, checked: w.checked, head: last, problem };
      w.checked += 1;
      w.expected = Number(r.seq) + 1;
      w.prevPrevHash = w.prevHash;
      w.prevHash = r.hash;
      w.prevId = r.entry_id;
      last = { seq: Number(r.seq), hash: r.hash, at: r.at };
    }
    if (rows.length < VERIFY_BATCH) break;
  }
  if (head && !w.sawHead) {
    const message = `the chain ends at seq ${w.expected - 1}, before the exported head seq ${head.seq}: entries were removed from its end`;
    return { ok: false, checked: w.checked, head: last, problem: { kind: "head", seq: head.seq, id: null, message } };
  }
  return { ok: true, checked: w.checked, head: last, problem: null };
}
