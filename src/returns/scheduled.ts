import type { DataSource } from "typeorm";
import type { AggregatorConfig } from "../config/config-file";
import { log } from "../log";
import { outboxFor } from "./outbox";
import { sendReturns, SendBusyError } from "./send";

/**
 * What the service does on an aggregator's schedule after its poll: sends the return files built
 * for it (`billpay returns build`), when its source has an outboundDir. Never throws: a failed send
 * is logged and the next tick retries it (the outbound ledger makes a retry safe).
 */
export async function sendScheduledReturns(db: DataSource, agg: AggregatorConfig): Promise<void> {
  if (agg.source.type !== "sftp" || !agg.source.outboundDir) return;
  const { outbox, outboundDir } = outboxFor(agg);
  try {
    const result = await sendReturns(db, outbox, { aggregator: agg.id, outboundDir });
    if (result.sent.length || result.recovered.length) log.info("return files sent", { aggregator: agg.id, ...result });
  } catch (error) {
    if (error instanceof SendBusyError)
      log.info("return files skipped: another instance is sending them", { aggregator: agg.id });
    else log.error("sending return files failed", { aggregator: agg.id, error: (error as Error).message });
  } finally {
    await outbox.close().catch(() => undefined);
  }
}
