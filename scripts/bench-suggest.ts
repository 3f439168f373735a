// Benchmark of repair suggestions (a script, not a test): M invoices, one per account, imported
// into the database (DATABASE_URL naming an empty database, else a fresh embedded one), then
// one-keystroke slips of random billed accounts (each kind) and SSN-like values with the member's
// name, each suggested for on its own as a person asking for one would: milliseconds per
// suggestion (median, 95th percentile, max) and how often the meant account ranked first.
// Target (issue 13): < 5 ms for one payment among 1M billed accounts.
// Usage: npx tsx scripts/bench-suggest.ts [--invoices M] [--samples N]
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { importInvoices } from "../src/match/invoice-import";
import type { RepairInput } from "../src/match/repair/candidates";
import { nameKey } from "../src/match/repair/names";
import { suggestRepairs } from "../src/match/repair/suggest";
import { renderTable } from "../src/report/text-table";
import { closeDatabase, isEmbedded, openDatabase } from "../src/store/data-source";
import { INVOICE_COLUMNS } from "../src/match/invoice-columns";
import { writeLines } from "../adapters/nacha/generate";
import { progress, timed } from "./bench/meter";

type Kind = "substitution" | "transposition" | "dropped_digit" | "added_digit" | "name_only";
const KINDS: Kind[] = ["substitution", "transposition", "dropped_digit", "added_digit", "name_only"];

/** A slip of `account` of one kind, at a random position after the leading 7. */
function slip(account: string, kind: Kind, rnd: () => number): string | null {
  const at = 1 + Math.floor(rnd() * (account.length - 2));
  const digit = String(Math.floor(rnd() * 10));
  if (kind === "substitution") return account.slice(0, at) + ((Number(account[at]) + 1) % 10) + account.slice(at + 1);
  if (kind === "transposition") return account.slice(0, at) + account[at + 1] + account[at] + account.slice(at + 2);
  if (kind === "dropped_digit") return account.slice(0, at) + account.slice(at + 1);
  if (kind === "added_digit") return account.slice(0, at) + digit + account.slice(at);
  return null;
}

/**
 * Account i: 7 then 8 digits spread over the whole range (i times a number prime to 10^8, so no two
 * collide), as a payee's real accounts are; consecutive accounts would make every slip land on a
 * billed neighbour. Member names are as distinct: "Member" and i in letters.
 */
const account = (i: number) => `7${String((i * 7919 + 12345) % 1e8).padStart(8, "0")}`;
const memberName = (i: number) =>
  `Member ${[...i.toString(26).padStart(3, "0")].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join("")}`;

async function writeSpreadInvoices(file: string, invoices: number): Promise<void> {
  function* lines(): Generator<string> {
    yield INVOICE_COLUMNS.join(",");
    for (let i = 0; i < invoices; i++) yield `SUGGEST-${i},${account(i)},${memberName(i)},health,2024-04,100.00,no`;
  }
  await writeLines(file, lines());
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { invoices: { type: "string", default: "1000000" }, samples: { type: "string", default: "200" } },
  });
  const invoices = Number(values.invoices);
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-bench-suggest-"));
  const db = await openDatabase({ dataDir: path.join(dir, "data") });
  try {
    const csv = path.join(dir, "invoices.csv");
    await timed(`generating ${invoices} invoices`, () => writeSpreadInvoices(csv, invoices));
    await timed("invoice import (with the repair indexes)", () => importInvoices(db, csv));
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows = [];
    for (const kind of KINDS) {
      const ms: number[] = [];
      let first = 0;
      for (let n = 0; n < Number(values.samples); n++) {
        const i = Math.floor(rnd() * invoices);
        const meant = account(i);
        const payerName = memberName(i).toUpperCase();
        const typed = slip(meant, kind, rnd);
        const input: RepairInput = {
          paymentId: `p${n}`,
          typed,
          payerName,
          nameKey: nameKey(payerName),
          amountCents: 1,
        };
        const start = performance.now();
        const found = await suggestRepairs(db, [input]);
        ms.push(performance.now() - start);
        if (found.get(input.paymentId)?.[0]?.accountNumber === meant) first += 1;
      }
      ms.sort((a, b) => a - b);
      rows.push({
        kind,
        median: percentile(ms, 0.5),
        p95: percentile(ms, 0.95),
        max: ms[ms.length - 1],
        found: first / ms.length,
      });
      progress(`${kind}: done`);
    }
    const fixed = (n: number) => n.toFixed(2);
    process.stdout.write(
      `repair suggestions among ${invoices.toLocaleString("en-US")} billed accounts on ${isEmbedded(db) ? "embedded PGlite" : "PostgreSQL"}, ${values.samples} per kind\n${renderTable(
        rows,
        [
          { header: "slip", value: (r) => r.kind },
          { header: "median ms", value: (r) => fixed(r.median), align: "right" },
          { header: "p95 ms", value: (r) => fixed(r.p95), align: "right" },
          { header: "max ms", value: (r) => fixed(r.max), align: "right" },
          { header: "meant account first", value: (r) => `${Math.round(r.found * 100)}%`, align: "right" },
        ],
      )}\n`,
    );
  } finally {
    await closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
