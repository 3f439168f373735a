import type { Command } from "commander";
import { lazyAction } from "../lazy-action";
import { addConfigOption } from "../rules-options";

export function register(program: Command): void {
  const cmd = program
    .command("check-account")
    .description("Check an account number as a member typed it: outcome and why")
    .argument("<value>", "the account number as typed at the bank (quote it when it has blanks)")
    .option("--json", "print the result as JSON")
    .option("--check-digit <routine>", "check-digit routine: none, luhn or mod11 (default from the policy)")
    .option("--mask <mask>", "account mask (# digit, * letter, @ letter or digit); repeat for several", collect);
  addConfigOption(cmd).action(lazyAction(() => import("../actions/check-account.js"), "checkAccountAction"));
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
