import { SingleBar } from "cli-progress";
import { loadConfig } from "../../config/config-file";
import { pollAll } from "../../sources/poll-sources";
import type { PollOptions } from "../../sources/poll";
import {
  describePolledFile,
  describeSummary,
  pollExitCode,
  pollsJson,
  summarizePolls,
} from "../../sources/poll-summary";
import { withDatabase } from "../database";
import { CliExit, printJson } from "../exit";

/** Below this a file downloads and parses too fast for a bar to help. */
const BAR_MIN_BYTES = 1024 * 1024;

/** A progress bar on stderr for large files, only on a terminal. */
function progressBar(): Pick<PollOptions, "onProgress"> & { stop(): void } {
  let bar: SingleBar | null = null;
  let current = "";
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    stop,
    onProgress: (p) => {
      if (p.totalBytes < BAR_MIN_BYTES) return;
      const key = `${p.aggregator}/${p.name}/${p.phase}`;
      if (key !== current) {
        stop();
        current = key;
        bar = new SingleBar({
          stream: process.stderr,
          format: `${p.phase} ${p.name} [{bar}] {percentage}% {value}/{total} bytes`,
        });
        bar.start(p.totalBytes, 0);
      }
      bar?.update(Math.min(p.bytes, p.totalBytes));
    },
  };
}

/** `billpay ingest`: declared in src/cli/commands/ingest.ts. */
export async function ingestAction(opts: { config?: string; aggregator?: string; json?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  if (opts.aggregator && !config.aggregators.some((a) => a.id === opts.aggregator)) {
    const known = config.aggregators.map((a) => a.id).join(", ");
    throw new CliExit(1, `aggregator "${opts.aggregator}" is not in ${config.file} (configured: ${known})`);
  }
  const bar = !opts.json && process.stderr.isTTY ? progressBar() : null;
  const reports = await withDatabase((db) =>
    pollAll(db, config, {
      aggregator: opts.aggregator,
      onProgress: bar?.onProgress,
      onFile: opts.json
        ? undefined
        : (f, aggregator) => {
            bar?.stop();
            process.stdout.write(`${describePolledFile(aggregator, f)}\n`);
          },
    }),
  );
  bar?.stop();
  const summary = summarizePolls(reports);
  if (opts.json) printJson(pollsJson(reports));
  else process.stdout.write(`${describeSummary(summary, reports)}\n`);
  process.exitCode = pollExitCode(summary);
}
