import { readFileSync } from "node:fs";
import { checkBind, HttpConfigError, type HttpOptions } from "../../service/http-server";
import { TOKEN_ENV } from "../../service/service-settings";
import { CliExit } from "../exit";
import type { HttpFlags } from "../http-options";

export function numberOption(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new CliExit(2, `--${name} must be a number of at least ${min}`);
  return n;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CliExit(2, `cannot read the TLS ${what} ${file}: ${(error as Error).message}`);
  }
}

/** The HTTP options of `serve` and `console`, checked against the bind rules (exit 2 when they break one). */
export function httpSettings(flags: HttpFlags): HttpOptions {
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new CliExit(2, "--tls-cert and --tls-key go together");
  const tls =
    flags.tlsCert && flags.tlsKey
      ? { cert: readPem(flags.tlsCert, "certificate"), key: readPem(flags.tlsKey, "key") }
      : undefined;
  const options: HttpOptions = {
    host: flags.host,
    port: numberOption(flags.port, "port", 0),
    token: process.env[TOKEN_ENV] || undefined,
    tls,
    behindProxy: flags.behindProxy,
    idleMinutes: numberOption(flags.idleMinutes, "idle-minutes", 1),
  };
  try {
    checkBind(options.host, options.token, options);
  } catch (error) {
    if (error instanceof HttpConfigError) throw new CliExit(2, error.message);
    throw error;
  }
  return options;
}
