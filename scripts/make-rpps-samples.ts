// Writes sample-files/rpps/*.ach from the declarations below, deterministically: the controls come
// out right by construction and each broken variant is the normal day with one named defect.
// Usage: npx tsx scripts/make-rpps-samples.ts   (then: npx tsx scripts/update-goldens.ts rpps)
// Every account number, SSN and name here is made up; the SSN-like values are the advertising
// range (987-65-432x) and the textbook 123-45-6789.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { cut, replaceField, zeroPad, type FieldSpec } from "../adapters/nacha/fields";
import { nachaFileLines, RPPS_FILE_HEADER, type BatchSpec, type FileSpec } from "../adapters/nacha/generate";
import { BATCH_CONTROL } from "../adapters/nacha/records/batch-control";
import { SAMPLES_DIR } from "../src/paths";

const OUT = path.join(SAMPLES_DIR, "rpps");
const BILLER = { companyName: "MA HEALTH CONNECTOR", companyIdentification: "9001234567" };
// Three bill-pay senders as RPPS identifies them (8-digit ids, the trace prefixes).
const SENDER_A = "99990001";
const SENDER_B = "99990002";
const SENDER_C = "99990003";
const PAYEE_BANK = "01100001";

const file = (batches: BatchSpec[]): FileSpec => ({
  ...RPPS_FILE_HEADER,
  fileCreationDate: "240321",
  fileCreationTime: "0615",
  fileIdModifier: "A",
  batches,
});

const payments = (
  sender: string,
  descriptive: string,
  effective: string,
  receivingDfi: string,
  entries: BatchSpec["entries"],
): BatchSpec => ({
  serviceClassCode: "220",
  ...BILLER,
  companyEntryDescription: "RPSPAYMENT",
  companyDescriptiveDate: descriptive,
  effectiveEntryDate: effective,
  originatingDfi: sender,
  receivingDfi,
  entries,
});

/** A Thursday near the 23rd: April coverage is due Saturday 2024-03-23. */
const NORMAL_DAY: BatchSpec[] = [
  // Scheduled on the 15th (8 days ahead of the 23rd), settles on the 21st.
  payments(SENDER_A, "240315", "240321", PAYEE_BANK, [
    { amountCents: 31245, name: "ALEX SAMPLE", account: "712345678" },
    { amountCents: 4210, name: "ALEX SAMPLE", account: "712345678", note: "DENTAL PREMIUM APRIL 2024" },
    { amountCents: 52000, name: "JORDAN EXAMPLE", account: "7123-456-78" },
    { amountCents: 18990, name: "CASEY DEMO", account: " 712345680" },
    { amountCents: 27500, name: "PAT TESTCASE", account: "7123 456 81" },
    { amountCents: 35455, name: "ROBIN PLACEHOLD", account: "123-45-6789" },
    { amountCents: 12000, name: "SAM FICTION", account: "71234568" },
    { amountCents: 9900, name: "DANA MOCKUP", account: "7123456820" },
    { amountCents: 61020, name: "LEE SPECIMEN", account: "712345683" },
    { amountCents: 23312, name: "KIM INSTANCE", account: "712345684", note: "HEALTH PLAN MARCH" },
  ]),
  // Scheduled on the 19th (4 days ahead: the recommended window), settles on the 22nd; one prenote.
  payments(SENDER_B, "240319", "240322", PAYEE_BANK, [
    { amountCents: 0, name: "TERRY NEWMEMBER", account: "712345685", transactionCode: "23" },
    { amountCents: 40000, name: "JESSE PROTOTYPE", account: "712345686" },
    { amountCents: 15075, name: "MORGAN DUMMY", account: "987654321" },
    { amountCents: 28800, name: "RILEY SAMPLE", account: "712-345-687" },
    { amountCents: 33333, name: "QUINN EXAMPLE", account: "712345688" },
    { amountCents: 19999, name: "AVERY TRIAL", account: "712345689" },
    { amountCents: 45000, name: "BLAKE PILOT", account: "712345690 " },
    { amountCents: 7500, name: "DREW MODEL", account: "712345691" },
  ]),
  // Scheduled on the 21st (2 days ahead: short lead), settles on the 22nd, still on time. This
  // sender leaves positions 4-29 blank, as RPPS may.
  payments(SENDER_C, "240321", "240322", "", [
    { amountCents: 31245, name: "EMERY TESTER", account: "712345692" },
    { amountCents: 50000, name: "FINLEY DEMO", account: "712345693" },
    { amountCents: 22222, name: "HARPER MOCK", account: "712345694" },
    { amountCents: 14400, name: "JULES SAMPLE", account: "7-1-2-3-4-5-6-9-5" },
    { amountCents: 38000, name: "KAI EXAMPLE", account: "712345696" },
  ]),
  // Scheduled on the 22nd, settles Monday the 25th: late for April coverage.
  payments(SENDER_A, "240322", "240325", PAYEE_BANK, [
    { amountCents: 26050, name: "LOGAN FAKE", account: "712345697" },
    { amountCents: 11100, name: "MAX EXEMPLAR", account: "712345698" },
    { amountCents: 31245, name: "NOOR PRETEND", account: "712345700" },
    { amountCents: 4210, name: "NOOR PRETEND", account: "712345700", note: "DENTAL" },
  ]),
  // Two of the 21st's payments reversed by their sender.
  {
    serviceClassCode: "225",
    ...BILLER,
    companyEntryDescription: "REVERSAL",
    companyDescriptiveDate: "240322",
    effectiveEntryDate: "240325",
    originatingDfi: SENDER_A,
    receivingDfi: PAYEE_BANK,
    entries: [
      { transactionCode: "27", amountCents: 9900, name: "DANA MOCKUP", account: "7123456820" },
      { transactionCode: "27", amountCents: 12000, name: "SAM FICTION", account: "71234568" },
    ],
  },
  // A payment of an earlier file returned: invalid account (RPPS R22).
  {
    serviceClassCode: "220",
    ...BILLER,
    companyEntryDescription: "RETURN",
    companyDescriptiveDate: "240321",
    effectiveEntryDate: "240321",
    originatingDfi: SENDER_B,
    receivingDfi: PAYEE_BANK,
    entries: [
      {
        transactionCode: "21",
        amountCents: 27000,
        name: "NOEL UNKNOWN",
        account: "7000000000",
        returned: {
          reasonCode: "R22",
          originalTrace: "999900020000117",
          originalDfi: SENDER_B,
          information: "INVALID ACCOUNT",
        },
      },
    ],
  },
  // A notification of change: the member's account number corrected (C09).
  {
    serviceClassCode: "220",
    sec: "COR",
    ...BILLER,
    companyEntryDescription: "NOC",
    companyDescriptiveDate: "240321",
    effectiveEntryDate: "240321",
    originatingDfi: SENDER_A,
    receivingDfi: PAYEE_BANK,
    entries: [
      {
        transactionCode: "21",
        amountCents: 0,
        name: "OAKLEY CHANGED",
        account: "71234S699",
        change: {
          changeCode: "C09",
          originalTrace: "999900010000093",
          originalDfi: SENDER_A,
          correctedData: "712345699",
        },
      },
    ],
  },
];

/** Index of the n-th (0-based) line that starts with `type`. */
function nth(lines: string[], type: string, n: number): number {
  const at = lines.map((l, i) => (l.startsWith(type) ? i : -1)).filter((i) => i >= 0)[n];
  if (at === undefined) throw new Error(`no record ${type} #${n}`);
  return at;
}

function bump(line: string, spec: FieldSpec, delta: number): string {
  const width = spec.end - spec.start + 1;
  return replaceField(line, spec, zeroPad(Number(cut(line, spec)) + delta, width));
}

const normal = [...nachaFileLines(file(NORMAL_DAY))];
const text = (lines: string[]) => `${lines.join("\n")}\n`;

const samples: Record<string, string> = {
  "normal-day.ach": text(normal),
  "zero-entry.ach": text([...nachaFileLines({ ...file([]), fileCreationDate: "240323", fileCreationTime: "0600" })]),
  // The first batch's control claims one dollar more of credits than its entries carry.
  "broken-batch-total.ach": text(
    normal.map((l, i) => (i === nth(normal, "8", 0) ? bump(l, BATCH_CONTROL.totalCredits, 100) : l)),
  ),
  // The second batch's control counts one record more than the batch holds.
  "broken-entry-count.ach": text(
    normal.map((l, i) => (i === nth(normal, "8", 1) ? bump(l, BATCH_CONTROL.entryAddendaCount, 1) : l)),
  ),
  // The transfer stopped in the middle of the third batch, in the middle of a record.
  "broken-truncated.ach": text(normal).slice(0, nth(normal, "6", 21) * 95 + 47),
  // One entry lost its last character (the end of its trace number): 93 characters.
  "broken-short-line.ach": text(normal.map((l, i) => (i === nth(normal, "6", 4) ? l.slice(0, 93) : l))),
};

for (const [name, content] of Object.entries(samples)) {
  writeFileSync(path.join(OUT, name), content, "latin1");
  process.stdout.write(
    `${path.relative(process.cwd(), path.join(OUT, name))}: ${content.split("\n").filter(Boolean).length} lines\n`,
  );
}
