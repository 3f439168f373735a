import { Cron } from "croner";
import { chainHead } from "../match/audit-chain";
import { log } from "../log";
import type { Sql } from "../store/sql";
import { SCHEDULE_TIME_ZONE } from "./schedule";

/** Every day at 06:00 in the payee's zone. */
export const AUDIT_HEAD_SCHEDULE = "0 6 * * *";

/** Logs the audit chain's head: collected off the machine, the line holds the log to that point. */
export async function logAuditHead(db: Sql): Promise<void> {
  const head = await chainHead(db);
  // `entries`, not `seq`: the logger masks a bare 9-digit number outside a measure field.
  log.info("audit chain head", { entries: head?.seq ?? 0, hash: head?.hash ?? null, at: head?.at ?? null });
}

/** The daily head line; every instance writes it (the same head, harmless twice). */
export function startAuditHeadLog(db: Sql): Cron {
  return new Cron(
    AUDIT_HEAD_SCHEDULE,
    {
      name: "audit-head",
      timezone: SCHEDULE_TIME_ZONE,
      catch: (error: unknown) => log.error("audit chain head export failed", { error }),
    },
    () => logAuditHead(db),
  );
}
