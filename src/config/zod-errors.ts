import type { ZodError } from "zod";

/** A config or mapping problem, worded for the operator: which file, which key, what is wrong. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export function describeZodError(source: string, error: ZodError): ConfigError {
  const lines = error.issues.map((issue) => {
    const key = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
    return `  ${key}: ${issue.message}`;
  });
  return new ConfigError(`${source} is not valid:\n${lines.join("\n")}`);
}
