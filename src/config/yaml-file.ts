import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./zod-errors";

/** A YAML file an operator wrote (config, mapping), or a ConfigError saying what is wrong with it. */
export function readYamlFile(file: string, what: string): unknown {
  if (!existsSync(file)) throw new ConfigError(`${what} ${file} does not exist`);
  try {
    return parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
}
