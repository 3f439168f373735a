import { readFileSync, writeFileSync } from "node:fs";
import { chainHead, verifyChain, type ChainHead } from "../../match/audit-chain";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";

/** A head file as `audit head --out` writes it; anything else is refused before the walk. */
function readHeadFile(file: string): ChainHead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliExit(2, `cannot read the head file ${file}: ${(error as Error).message}`);
  }
  const h = parsed as Partial<ChainHead> | null;
  if (!h || !Number.isSafeInteger(h.seq) || typeof h.hash !== "string" || !/^[0-9a-f]{64}$/.test(h.hash)) {
    throw new CliExit(2, `${file} is not an audit chain head (expected {"seq": n, "hash": "<64 hex>", ...})`);
  }
  return { seq: h.seq as number, hash: h.hash, at: String(h.at ?? "") };
}

/** `billpay audit verify [--head FILE]`: declared in src/cli/commands/audit.ts. */
export async function auditVerifyAction(opts: { head?: string; json?: boolean }): Promise<void> {
  const head = opts.head ? readHeadFile(opts.head) : undefined;
  const result = await withDatabase((db) => verifyChain(db, head));
  if (opts.json) printJson(result);
  else if (result.ok) {
    const at = result.head ? `, head seq ${result.head.seq} ${result.head.hash} (${result.head.at})` : "";
    const through = head ? `; it passes through the exported head seq ${head.seq}` : "";
    process.stdout.write(`audit chain verified: ${result.checked} entries${at}${through}\n`);
  }
  if (!result.ok) throw new CliExit(1, `audit chain broken: ${result.problem?.message ?? "unknown"}`);
}

/** `billpay audit head [--out FILE]`: declared in src/cli/commands/audit.ts. */
export async function auditHeadAction(opts: { out?: string }): Promise<void> {
  const head = await withDatabase((db) => chainHead(db));
  const exported = { ...(head ?? { seq: 0, hash: "0".repeat(64), at: null }), exportedAt: new Date().toISOString() };
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(exported, null, 2)}\n`);
  printJson(exported);
}
