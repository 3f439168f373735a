import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The package root (holds package.json, mappings/, sample-files/), from src/ or from dist/src/. */
export const PROJECT_ROOT: string = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = up;
  }
  return dir;
})();

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** Where adapters/<id>/ live: beside src/ in the tree that is running (source or dist). */
export const ADAPTERS_DIR = path.join(__dirname, "..", "adapters");
export const MAPPINGS_DIR = path.join(PROJECT_ROOT, "mappings");
export const SAMPLES_DIR = path.join(PROJECT_ROOT, "sample-files");

/** The data folder for the embedded database and staging: BILLPAY_DATA_DIR or ./.billpay. */
export function dataDir(): string {
  return path.resolve(process.env.BILLPAY_DATA_DIR ?? ".billpay");
}
