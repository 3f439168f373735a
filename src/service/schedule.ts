import { Cron } from "croner";
import type { AggregatorConfig } from "../config/config-file";
import { log } from "../log";

/** Schedules are read in the payee's time zone, as the due dates are. */
export const SCHEDULE_TIME_ZONE = "America/New_York";

/**
 * One croner job per scheduled aggregator. `tick` gets the scheduled instant (not the moment the
 * timer fired), so every instance names the same tick the same way whatever its clock drift.
 */
export function startSchedules(
  aggregators: AggregatorConfig[],
  tick: (agg: AggregatorConfig, at: Date) => Promise<void> | void,
): Cron[] {
  const crons: Cron[] = [];
  for (const agg of aggregators) {
    if (!agg.schedule) {
      log.warn("aggregator has no schedule; serve will not poll it (billpay ingest still can)", { aggregator: agg.id });
      continue;
    }
    const cron: Cron = new Cron(
      agg.schedule,
      {
        name: `poll:${agg.id}`,
        timezone: SCHEDULE_TIME_ZONE,
        catch: (error: unknown) => log.error("schedule tick failed", { aggregator: agg.id, error }),
      },
      async () => {
        // The latest scheduled run at or before now (+1 s for a timer that fired a hair early).
        const at =
          cron.previousRuns(1, new Date(Date.now() + 1000))[0] ?? new Date(Math.floor(Date.now() / 1000) * 1000);
        await tick(agg, at);
      },
    );
    crons.push(cron);
    log.info("source scheduled", {
      aggregator: agg.id,
      schedule: agg.schedule,
      timeZone: SCHEDULE_TIME_ZONE,
      next: cron.nextRun()?.toISOString(),
    });
  }
  return crons;
}
