import type { AggregatorConfig } from "../config/config-file";
import { ConfigError } from "../config/zod-errors";
import { DEFAULT_RETRY } from "../sources/retry";
import { SftpFolder } from "../sources/sftp-folder";

/** The aggregator's outbound SFTP folder (its source's server, host key pinned, and `outboundDir`). */
export function outboxFor(agg: AggregatorConfig): { outbox: SftpFolder; outboundDir: string } {
  const s = agg.source;
  if (s.type !== "sftp" || !s.outboundDir)
    throw new ConfigError(`${agg.keyPath}.outboundDir: not set; return files go to an SFTP source's outboundDir`);
  const outbox = new SftpFolder(s, agg.keyPath, {
    ...DEFAULT_RETRY,
    attempts: s.attempts,
    timeoutMs: s.timeoutSeconds * 1000,
  });
  return { outbox, outboundDir: s.outboundDir };
}
