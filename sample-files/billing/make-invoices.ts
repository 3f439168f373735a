/**
 * Writes sample-files/billing/invoices.csv: billing data that fits every sample remittance file.
 * Run again whenever the samples change: `npx tsx sample-files/billing/make-invoices.ts`.
 *
 * Every money-in payment with a usable account in a sample (read from the `.expected.json`
 * goldens) gets an invoice for its account, plan (health unless the file says) and coverage month,
 * for exactly its amount, the first payment seen winning. SCENARIOS then bend a few accounts so
 * that every rung of the matching ladder shows up when all samples are ingested.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { INVOICE_COLUMNS } from "../../src/match/invoice-import";
import { centsToDecimal } from "../../src/model/money";

interface GoldenPayment {
  kind: string;
  amountCents: number;
  accountNumber: string | null;
  accountStatus: string;
  coverageMonth: string | null;
  planType: "health" | "dental" | null;
  payerName: string | null;
}

interface Invoice {
  account: string;
  name: string;
  plan: "health" | "dental";
  month: string;
  cents: number;
  first: boolean;
}

/** What each bent account demonstrates (RULES.md R3, R5 and the ladder's rungs). */
const SCENARIOS: { account: string; why: string; apply(list: Invoice[]): void }[] = [
  {
    account: "712345694",
    why: "bank-csv pays $1,250.00 = health $1,100.00 + dental $150.00 for 2017-04: combined_plans",
    apply: (l) => split(l, "712345694", "2017-04", 110000, 15000),
  },
  {
    account: "712345693",
    why: "RPPS pays $500.00 = health $430.00 + dental $70.00 for 2024-04: combined_plans",
    apply: (l) => split(l, "712345693", "2024-04", 43000, 7000),
  },
  {
    account: "712345678",
    why: "RPPS pays health $312.45 and, separately, dental $42.10 (addenda DENTAL PREMIUM APRIL 2024) for 2024-04: two exact matches",
    apply: (l) => split(l, "712345678", "2024-04", 31245, 4210),
  },
  {
    account: "712345700",
    why: "RPPS pays health and dental separately, settled after the 23rd: late, matched",
    apply: (l) => split(l, "712345700", "2024-04", 31245, 4210),
  },
  {
    account: "712345751",
    why: "bank-csv pays $98.60 of $120.00 due: partial",
    apply: (l) => setCents(l, "712345751", "2017-04", "health", 12000),
  },
  {
    account: "712345694",
    why: "RPPS pays $222.22 of $250.00 due for 2024-04: partial",
    apply: (l) => setCents(l, "712345694", "2024-04", "health", 25000),
  },
  {
    account: "712345769",
    why: "bank-csv pays $210.00 of $200.00 due: overpaid",
    apply: (l) => setCents(l, "712345769", "2017-04", "health", 20000),
  },
  {
    account: "712345696",
    why: "RPPS pays $380.00 of $350.00 due: overpaid",
    apply: (l) => setCents(l, "712345696", "2024-04", "health", 35000),
  },
  {
    account: "712345710",
    why: "bank-csv: a first payment on time (coverage starts 2017-04-01)",
    apply: (l) => setFirst(l, "712345710", "2017-04"),
  },
  {
    account: "712345697",
    why: "RPPS: a first payment settled 2024-03-25, after the 23rd: matched, coverage starts 2024-05-01 at the earliest",
    apply: (l) => setFirst(l, "712345697", "2024-04"),
  },
  {
    account: "712345685",
    why: "RPPS sends a prenote for a new member who has not paid yet: an open first-payment invoice",
    apply: (l) => l.push({ account: "712345685", name: "Terry Newmember", plan: "health", month: "2024-04", cents: 30000, first: true }),
  },
  {
    account: "712345699",
    why: "RPPS sends a C09 notification of change naming this corrected account: the member exists",
    apply: (l) => l.push({ account: "712345699", name: "Oakley Changed", plan: "health", month: "2024-04", cents: 15000, first: false }),
  },
  {
    account: "712345777",
    why: "bank-csv returns a payment made before the samples begin: the member exists",
    apply: (l) => l.push({ account: "712345777", name: "Emily Stone", plan: "health", month: "2017-04", cents: 8900, first: false }),
  },
  {
    account: "712345891",
    why: "checkfree returns a payment made before the samples begin: the member exists",
    apply: (l) => l.push({ account: "712345891", name: "Returned Member", plan: "health", month: "2017-04", cents: 8900, first: false }),
  },
  {
    account: "773456782",
    why: "camt.054 pays to a valid account that billing data does not know: unknown_account",
    apply: (l) => remove(l, "773456782"),
  },
  {
    account: "712345691",
    why: "RPPS pays to a valid account that billing data does not know: unknown_account",
    apply: (l) => remove(l, "712345691"),
  },
];

function find(l: Invoice[], account: string, month: string, plan: Invoice["plan"]): Invoice {
  const found = l.find((i) => i.account === account && i.month === month && i.plan === plan);
  if (!found) throw new Error(`no ${plan} invoice ${month} for the scenario account ending ${account.slice(-4)}; did the samples change?`);
  return found;
}
function split(l: Invoice[], account: string, month: string, health: number, dental: number): void {
  const h = find(l, account, month, "health");
  h.cents = health;
  l.push({ ...h, plan: "dental", cents: dental });
}
function setCents(l: Invoice[], account: string, month: string, plan: Invoice["plan"], cents: number): void {
  find(l, account, month, plan).cents = cents;
}
function setFirst(l: Invoice[], account: string, month: string): void {
  find(l, account, month, "health").first = true;
}
function remove(l: Invoice[], account: string): void {
  for (let i = l.length - 1; i >= 0; i--) if (l[i].account === account) l.splice(i, 1);
}

function memberName(payer: string | null): string {
  if (!payer) return "Member On File";
  const [last, first] = payer.includes(",") ? payer.split(",").map((s) => s.trim()) : [null, payer];
  const name = last ? `${first} ${last}` : (first as string);
  // Title case word by word (keeps "José Muñoz" and "O'Brien" right).
  return name
    .toLowerCase()
    .split(/(\s+|-|')/)
    .map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w))
    .join("");
}

function main(): void {
  const samples = path.resolve(__dirname, "..");
  const list: Invoice[] = [];
  for (const dir of readdirSync(samples, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === "billing") continue;
    for (const file of readdirSync(path.join(samples, dir.name)).filter((f) => f.endsWith(".expected.json")).sort()) {
      const golden = JSON.parse(readFileSync(path.join(samples, dir.name, file), "utf8")) as { payments?: GoldenPayment[] };
      for (const p of golden.payments ?? []) {
        if (p.kind !== "payment" || !p.accountNumber || !p.coverageMonth || !["valid", "repaired"].includes(p.accountStatus)) continue;
        const plan = p.planType ?? "health";
        if (list.some((i) => i.account === p.accountNumber && i.month === p.coverageMonth && i.plan === plan)) continue;
        list.push({ account: p.accountNumber, name: memberName(p.payerName), plan, month: p.coverageMonth, cents: p.amountCents, first: false });
      }
    }
  }
  for (const s of SCENARIOS) s.apply(list);
  // One member, one name: the first name seen for an account is used on all its invoices.
  const names = new Map<string, string>();
  for (const i of list) i.name = names.get(i.account) ?? (names.set(i.account, i.name), i.name);
  list.sort((a, b) => a.month.localeCompare(b.month) || a.account.localeCompare(b.account) || a.plan.localeCompare(b.plan));
  const lines = [INVOICE_COLUMNS.join(",")];
  list.forEach((i, n) => {
    const number = `INV-${i.month.replace("-", "")}-${String(n + 1).padStart(4, "0")}`;
    const name = /[",]/.test(i.name) ? `"${i.name}"` : i.name;
    lines.push([number, i.account, name, i.plan, i.month, centsToDecimal(i.cents), i.first ? "yes" : "no"].join(","));
  });
  writeFileSync(path.join(__dirname, "invoices.csv"), `${lines.join("\n")}\n`);
  process.stdout.write(`${list.length} invoices written to sample-files/billing/invoices.csv\n`);
}

main();
