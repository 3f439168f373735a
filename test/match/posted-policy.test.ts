import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { loadConfig, type BillpayConfig } from "../../src/config/config-file";
import { ingestFile } from "../../src/ingest/pipeline";
import { importInvoices } from "../../src/match/invoice-import";
import { matchPayments } from "../../src/match/matcher";
import { luhnCheckDigit } from "../../src/rules/account/check-digit";
import { freshDatabase, type TestDatabase } from "../support/database";
import { bankCsv, INVOICE_HEADER } from "./remittance-files";

/**
 * Matching re-times and re-checks a payment with billing data. It must do so under the payee
 * policy the file was posted with (here the config file's `payee:`), not the defaults or whatever
 * the shipped mapping says on the day of matching.
 */
describe("the payee policy a file was posted under is the one it is matched under", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "billpay-policy-"));
  const luhn = (payload: string) => payload + luhnCheckDigit(payload);
  // Both valid under the configured policy; under the defaults the 10-digit one fails the mask.
  const ACCT_9 = luhn("71234567");
  const ACCT_10 = luhn("712345670");
  const BAD_DIGIT = `71234568${(Number(luhnCheckDigit("71234568")) + 1) % 10}`;
  let t: TestDatabase;
  let config: BillpayConfig;

  const payment = async (ref: string) =>
    (
      (await t.db.query(
        `SELECT match_status, account_status, timing_status, lead_days FROM payments WHERE source_ref = $1`,
        [ref],
      )) as {
        match_status: string;
        account_status: string;
        timing_status: string;
        lead_days: number;
      }[]
    )[0];

  before(async () => {
    mkdirSync(path.join(dir, "inbound"));
    const file = path.join(dir, "billpay.yaml");
    writeFileSync(
      file,
      stringify({
        payee: { masks: ["7########", "7#########"], checkDigit: "luhn", leadWindow: { min: 1, max: 2 } },
        aggregators: {
          "bank-csv": { source: { type: "local", dir: "inbound", archiveDir: "archive", errorDir: "error" } },
        },
      }),
    );
    config = loadConfig(file);
    t = await freshDatabase();
    // Sent on the 19th for coverage starting 2027-03-01 (due 2027-02-23): 4 days of lead, which is
    // "recommended" under the default 3–5 window and "early" under the configured 1–2.
    const remittance = path.join(dir, "inbound", "day1.csv");
    writeFileSync(
      remittance,
      bankCsv("POLICY1", "2027-02-22", [
        { id: "P9", sent: "2027-02-19", settled: "2027-02-22", amount: "412.50", account: ACCT_9, name: "Rivera Ana" },
        {
          id: "P10",
          sent: "2027-02-19",
          settled: "2027-02-22",
          amount: "300.00",
          account: ACCT_10,
          name: "Okafor Ben",
        },
        { id: "PX", sent: "2027-02-19", settled: "2027-02-22", amount: "100.00", account: BAD_DIGIT, name: "Lind Cy" },
      ]),
    );
    const bankCsvConfig = config.aggregators.find((a) => a.id === "bank-csv")!;
    const posted = await ingestFile(
      t.db,
      { aggregator: "bank-csv", path: remittance, mapping: bankCsvConfig.mapping },
      { match: false },
    );
    expect(posted.status).to.equal("posted");
    const invoices = path.join(dir, "invoices.csv");
    writeFileSync(
      invoices,
      [
        INVOICE_HEADER,
        `INV-1,${ACCT_9},Rivera Ana,health,2027-03,412.50,no`,
        `INV-2,${ACCT_10},Okafor Ben,health,2027-03,300.00,no`,
        "",
      ].join("\n"),
    );
    const imported = await importInvoices(t.db, invoices, { policy: config.payee });
    expect(imported.errors).to.deep.equal([]);
    await matchPayments(t.db);
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the configured policy with the file", async () => {
    const [row] = (await t.db.query(
      `SELECT pp.policy FROM remittance_files f JOIN payee_policies pp ON pp.hash = f.policy_hash WHERE f.name = 'day1.csv'`,
    )) as { policy: { leadWindow: unknown; checkDigit: string; masks: string[] } }[];
    expect(row.policy).to.deep.include({
      leadWindow: { min: 1, max: 2 },
      checkDigit: "luhn",
      masks: ["7########", "7#########"],
    });
  });

  it("times a matched payment against the configured lead window", async () => {
    expect(await payment("P9")).to.include({
      match_status: "matched",
      account_status: "valid",
      timing_status: "early",
      lead_days: 4,
    });
  });

  it("checks a matched payment's account against the configured masks", async () => {
    expect(await payment("P10")).to.include({
      match_status: "matched",
      account_status: "valid",
      timing_status: "early",
    });
  });

  it("keeps an account that fails the configured check digit as check_digit_failed", async () => {
    expect(await payment("PX")).to.include({ match_status: "invalid_account", account_status: "check_digit_failed" });
  });
});
