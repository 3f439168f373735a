import { log } from "../../log";
import { checkAccount, type AccountCheck } from "../../rules/account";
import { CliExit, printJson } from "../exit";
import { resolvePolicy } from "../rules-input";
import type { PolicyOptions } from "../rules-options";

interface CheckAccountOptions extends PolicyOptions {
  json?: boolean;
  checkDigit?: string;
  mask?: string[];
}

/** A usable number (valid or repaired) exits 0; any other outcome exits 1, so scripts can branch on it. */
const USABLE = new Set<AccountCheck["status"]>(["valid", "repaired"]);

/** `billpay check-account VALUE`: declared in src/cli/commands/check-account.ts. */
export async function checkAccountAction(value: string, options: CheckAccountOptions): Promise<void> {
  const policy = await resolvePolicy(options, [
    { flag: "--check-digit", key: "checkDigit", value: options.checkDigit },
    { flag: "--mask", key: "masks", value: options.mask },
  ]);
  const result = checkAccount(value, policy);
  // The outcome only: the value itself may be an SSN.
  log.debug("account checked", { status: result.status });
  if (options.json) {
    printJson({
      outcome: result.status,
      accountNumber: result.accountNumber,
      reason: result.reason,
      findings: result.findings,
    });
  } else {
    const lines = [`outcome: ${result.status}`];
    if (result.accountNumber) lines.push(`account number: ${result.accountNumber}`);
    if (result.status === "ssn_suspected") lines.push(`stored as: ${result.accountRaw}`);
    lines.push(`why: ${result.reason}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  if (!USABLE.has(result.status)) throw new CliExit(1);
}
