import { createHash } from "node:crypto";
import { DEFAULT_PAYEE_POLICY } from "../rules/payee-policy-defaults";
import { PayeePolicy } from "../rules/payee-policy";
import type { Sql } from "./sql";

/** JSON with object keys sorted at every level, so that equal policies hash alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function policyHash(policy: PayeePolicy): string {
  return createHash("sha256").update(canonicalJson(policy)).digest("hex");
}

/** Keeps the policy (once per content) and returns its hash, for the file row to name. */
export async function savePolicy(sql: Sql, policy: PayeePolicy): Promise<string> {
  const hash = policyHash(policy);
  await sql.query(`INSERT INTO payee_policies (hash, policy) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING`, [
    hash,
    canonicalJson(policy),
  ]);
  return hash;
}

// A hash names one content forever, so what was read once is good for the life of the process.
const known = new Map<string, PayeePolicy>();

/**
 * The policies behind these hashes, read in one query for those not yet known. A null hash (a file
 * posted before policies were kept) reads as the default policy.
 */
export async function policiesByHash(
  sql: Sql,
  hashes: Iterable<string | null>,
): Promise<(hash: string | null) => PayeePolicy> {
  const missing = [...new Set(hashes)].filter((h): h is string => h !== null && !known.has(h));
  if (missing.length) {
    const rows = (await sql.query(`SELECT hash, policy FROM payee_policies WHERE hash = ANY($1::text[])`, [
      missing,
    ])) as { hash: string; policy: unknown }[];
    for (const row of rows) known.set(row.hash, PayeePolicy.parse(row.policy));
  }
  return (hash) => {
    if (hash === null) return DEFAULT_PAYEE_POLICY;
    const policy = known.get(hash);
    if (!policy) throw new Error(`payee policy ${hash.slice(0, 12)} is not in payee_policies`);
    return policy;
  };
}
