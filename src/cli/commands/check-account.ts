import type { Command } from "commander";
import { log } from "../../log";
import { checkAccount, type AccountCheck } from "../../rules/account";
import { CliExit, printJson } from "../exit";
import { addConfigOption, resolvePolicy, type PolicyOptions } from "../rules-options";

interface CheckAccountOptions extends PolicyOptions {
  json?: boolean;
  checkDigit?: string;
  mask?: string[];
}

/** A usable number (valid or repaired) exits 0; any other outcome exits 1, so scripts can branch on it. */
const USABLE = new Set<AccountCheck["status"]>(["valid", "repaired"]);

export function register(program: Command): void {
  const cmd = program
    .command("check-account")
    .description("Check an account number as a member typed it: outcome and why")
    .argument("<value>", "the account number as typed at the bank (quote it when it has blanks)")
    .option("--json", "print the result as JSON")
    .option("--check-digit <routine>", "check-digit routine: none, luhn or mod11 (default from the policy)")
    .option("--mask <mask>", "account mask (# digit, * letter, @ letter or digit); repeat for several", collect);
  addConfigOption(cmd).action((value: string, options: CheckAccountOptions) => {
    const policy = resolvePolicy(options, [
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
  });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
