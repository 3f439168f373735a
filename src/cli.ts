#!/usr/bin/env node
import { Command } from "commander";
import { readdirSync } from "node:fs";
import path from "node:path";
import { CliExit } from "./cli/exit";
import { ConfigError } from "./config/zod-errors";
import { PACKAGE_VERSION } from "./paths";
import { DatabaseRefusal } from "./store/refusal";

/**
 * `billpay`: each command lives in src/cli/commands/<name>.ts and exports `register(program)`.
 * They are discovered here so that adding a command touches one new file only. A command module
 * declares options only; its action loads the implementation from src/cli/actions/ when the
 * command runs (src/cli/lazy-action.ts), so `--help` and the rules commands start without the
 * database, ORM or SFTP code.
 */
export function buildProgram(): Command {
  const program = new Command("billpay")
    .description(
      "Take in bank bill-pay remittance files for the MA Health Connector: parse, validate, store, match, reconcile.",
    )
    .version(PACKAGE_VERSION)
    .showHelpAfterError("(run with --help for usage)")
    // Wide enough that every command's summary stays on one line.
    .configureHelp({ helpWidth: 120 });
  const dir = path.join(__dirname, "cli", "commands");
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort();
  for (const file of files) {
    // Discovery loads modules by path at run time, which a static import cannot do.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as { register?: (p: Command) => void };
    mod.register?.(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CliExit) {
      if (error.message) process.stderr.write(`${error.message}\n`);
      return error.code;
    }
    // A bad config or mapping is the operator's to fix: say what and where, no stack trace.
    // A database refused on open (a newer version migrated it, it is not UTF8) said why in the log.
    if (error instanceof ConfigError || error instanceof DatabaseRefusal) {
      process.stderr.write(`billpay: ${(error as Error).message}\n`);
      return 1;
    }
    // The logger (winston) loads only on this path: the light commands never need it.
    const { log } = await import("./log.js");
    log.error("unexpected failure", { error });
    process.stderr.write(`billpay: ${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
