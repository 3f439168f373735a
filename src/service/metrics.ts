import type { DataSource } from "typeorm";
import { hasExceptions } from "./read-api";
import { readPollStatus } from "./poll-status";
import type { PolledFile, PollProgress } from "../sources/poll";
import { Histogram, renderFamilies, type Family, type Sample } from "./prometheus";

/**
 * /metrics: what the ledger holds (the same on every instance: it is read from the database) and
 * how long this instance's polls and files took (per process; Prometheus sums the instances).
 */

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export class ServiceMetrics {
  readonly pollDuration = new Histogram(
    "billpay_poll_duration_seconds",
    "Time one poll of a source took (list, select, hand out the files).",
    SECONDS,
  );
  readonly parseDuration = new Histogram(
    "billpay_parse_duration_seconds",
    "Time to parse, check and post one file (after its download), by outcome.",
    SECONDS,
  );
  readonly fileDuration = new Histogram(
    "billpay_file_duration_seconds",
    "Time to take one file end to end (download, ingest, move), by outcome.",
    SECONDS,
  );
  private readonly jobOutcomes = new Map<string, number>();

  constructor(
    readonly instance: string,
    readonly mode: "embedded" | "postgres",
  ) {}

  countJob(queue: string, outcome: string): void {
    const key = `${queue}\u0000${outcome}`;
    this.jobOutcomes.set(key, (this.jobOutcomes.get(key) ?? 0) + 1);
  }

  async render(db: DataSource, extra: Family[] = []): Promise<string> {
    const families = await ledgerFamilies(db);
    families.push({
      name: "billpay_jobs_handled_total",
      help: "Jobs this instance finished, by queue and outcome.",
      type: "counter",
      samples: [...this.jobOutcomes].map(([key, value]) => {
        const [queue, outcome] = key.split("\u0000");
        return { labels: { queue, outcome }, value };
      }),
    });
    families.push(this.pollDuration.family(), this.parseDuration.family(), this.fileDuration.family(), ...extra);
    families.push({
      name: "billpay_instance_info",
      help: "This instance (always 1).",
      type: "gauge",
      samples: [{ labels: { instance: this.instance, mode: this.mode }, value: 1 }],
    });
    return renderFamilies(families);
  }
}

function gauge(name: string, help: string, samples: Sample[]): Family {
  return { name, help, type: "gauge", samples };
}

async function ledgerFamilies(db: DataSource): Promise<Family[]> {
  const families = await fileAndPaymentFamilies(db);
  if (await hasExceptions(db)) families.push(await openExceptionsFamily(db));
  families.push(...(await pollFamilies(db)));
  return families;
}

async function fileAndPaymentFamilies(db: DataSource): Promise<Family[]> {
  const files = (await db.query(
    `SELECT aggregator, status, count(*)::int AS n FROM remittance_files GROUP BY 1, 2 ORDER BY 1, 2`,
  )) as { aggregator: string; status: string; n: number }[];
  const payments = (await db.query(
    `SELECT aggregator, status, timing_status, count(*)::int AS n, coalesce(sum(amount_cents), 0)::text AS cents
       FROM payments GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  )) as { aggregator: string; status: string; timing_status: string; n: number; cents: string }[];
  return [
    gauge(
      "billpay_files",
      "Files in the ledger by aggregator and status.",
      files.map((r) => ({ labels: { aggregator: r.aggregator, status: r.status }, value: r.n })),
    ),
    gauge(
      "billpay_payments",
      "Payments stored, by aggregator, record status (active or duplicate) and timing status.",
      payments.map((r) => ({
        labels: { aggregator: r.aggregator, status: r.status, timing: r.timing_status },
        value: r.n,
      })),
    ),
    gauge(
      "billpay_payments_amount_cents",
      "Sum of payment amounts in cents, by aggregator, record status and timing status.",
      payments.map((r) => ({
        labels: { aggregator: r.aggregator, status: r.status, timing: r.timing_status },
        value: Number(r.cents),
      })),
    ),
  ];
}

async function openExceptionsFamily(db: DataSource): Promise<Family> {
  const open = (await db.query(
    `SELECT reason, count(*)::int AS n FROM exceptions WHERE status = 'open' GROUP BY 1 ORDER BY 1`,
  )) as { reason: string; n: number }[];
  return gauge(
    "billpay_exceptions_open",
    "Open exceptions waiting for a person, by reason.",
    open.map((r) => ({ labels: { reason: r.reason }, value: r.n })),
  );
}

async function pollFamilies(db: DataSource): Promise<Family[]> {
  const polls = [...(await readPollStatus(db)).values()];
  return [
    gauge(
      "billpay_last_successful_poll_timestamp_seconds",
      "When each source was last polled without error (Unix time).",
      polls
        .filter((p) => p.lastSuccessAt)
        .map((p) => ({ labels: { aggregator: p.aggregator }, value: Math.floor(p.lastSuccessAt!.getTime() / 1000) })),
    ),
    gauge(
      "billpay_last_poll_ok",
      "1 when the source's last finished poll succeeded, 0 when it failed.",
      polls.filter((p) => p.ok !== null).map((p) => ({ labels: { aggregator: p.aggregator }, value: p.ok ? 1 : 0 })),
    ),
    {
      name: "billpay_polls_total",
      help: "Finished polls of each source (all instances).",
      type: "counter",
      samples: polls.map((p) => ({ labels: { aggregator: p.aggregator }, value: p.polls })),
    },
    {
      name: "billpay_poll_failures_total",
      help: "Failed polls of each source (all instances).",
      type: "counter",
      samples: polls.map((p) => ({ labels: { aggregator: p.aggregator }, value: p.failures })),
    },
  ];
}

/**
 * Poll options that time each file: from its first downloaded byte, and from its last one (the
 * parse-and-post part), to its outcome.
 */
export function timedFiles(
  metrics: ServiceMetrics,
  aggregator: string,
): { onProgress(p: PollProgress): void; onFile(f: PolledFile): void } {
  const started = new Map<string, { first: number; lastDownload: number }>();
  return {
    onProgress(p) {
      const now = performance.now();
      const t = started.get(p.name) ?? { first: now, lastDownload: now };
      if (p.phase === "download") t.lastDownload = now;
      started.set(p.name, t);
    },
    onFile(f) {
      const t = started.get(f.name);
      if (!t) return;
      started.delete(f.name);
      const now = performance.now();
      metrics.fileDuration.observe({ aggregator, outcome: f.status }, (now - t.first) / 1000);
      metrics.parseDuration.observe({ aggregator, outcome: f.status }, (now - t.lastDownload) / 1000);
    },
  };
}
