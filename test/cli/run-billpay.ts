import { spawnSync } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/paths";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `billpay` entry point in a child process (tsx), from the project root. The timeout
 * matters: a blocking spawnSync that hangs would stop mocha's own timeout from ever firing. */
export function runBillpay(args: string[], env: NodeJS.ProcessEnv = process.env, cwd = PROJECT_ROOT): CliRun {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(cwd, "src", "cli.ts"), ...args], {
    cwd,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
