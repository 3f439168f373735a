import type { Command } from "commander";
import { TOKEN_ENV } from "../service/service-settings";

/**
 * The HTTP options `serve` and `console` share: where to listen, and how requests reach us when
 * that is not loopback (TLS of our own, or a TLS proxy at a known address). Declarations only:
 * src/cli/actions/http-settings.ts reads them when the command runs.
 */

export interface HttpFlags {
  host: string;
  port: string;
  tlsCert?: string;
  tlsKey?: string;
  behindProxy?: string;
  idleMinutes: string;
}

export function addHttpOptions(command: Command): Command {
  return command
    .option(
      "--host <address>",
      `HTTP bind address; anything but loopback needs $${TOKEN_ENV} and TLS (--tls-cert/--tls-key or --behind-proxy)`,
      process.env.BILLPAY_HTTP_HOST ?? "127.0.0.1",
    )
    .option("--port <n>", "HTTP port (0 picks a free one)", process.env.BILLPAY_HTTP_PORT ?? "8080")
    .option(
      "--tls-cert <file>",
      "serve HTTPS with this PEM certificate (chain)",
      process.env.BILLPAY_TLS_CERT || undefined,
    )
    .option("--tls-key <file>", "the PEM private key of --tls-cert", process.env.BILLPAY_TLS_KEY || undefined)
    .option(
      "--behind-proxy <address>",
      "a TLS-terminating proxy at this IP address (or CIDR range) forwards to us: trust its X-Forwarded-For/-Proto",
      process.env.BILLPAY_BEHIND_PROXY || undefined,
    )
    .option(
      "--idle-minutes <n>",
      "a console session unused this long is over",
      process.env.BILLPAY_CONSOLE_IDLE_MINUTES ?? "30",
    );
}
