import { writeFileSync, mkdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { allAdapters } from "../config/adapter-registry";
import type { RemittanceAdapter } from "../adapter-kit/adapter";
import { MAPPINGS_DIR } from "../paths";

/**
 * JSON Schemas of the mapping files, generated from each adapter's zod mappingSchema and committed
 * in mappings/schema/, so editors complete and check a mapping as it is typed (a mapping names
 * its schema in a `# yaml-language-server: $schema=./schema/<adapter>.schema.json` comment).
 */
export const SCHEMA_DIR = path.join(MAPPINGS_DIR, "schema");

export function schemaFile(adapterId: string): string {
  return path.join(SCHEMA_DIR, `${adapterId}.schema.json`);
}

/** The schema text for one adapter: what a mapping file may say (input side: defaults optional). */
export function renderMappingSchema(adapter: RemittanceAdapter): string {
  const schema = z.toJSONSchema(adapter.mappingSchema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  });
  const titled = {
    $schema: schema.$schema,
    $id: `https://billpay-adapter.local/mappings/schema/${adapter.id}.schema.json`,
    title: `billpay mapping for the ${adapter.id} adapter`,
    description: adapter.description,
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
  return `${JSON.stringify(titled, null, 2)}\n`;
}

export interface SchemaStatus {
  adapter: string;
  file: string;
  state: "current" | "stale" | "missing";
}

/** Compares (or, with `write`, rewrites) every adapter's committed schema with its zod schema. */
export function syncMappingSchemas(options: { write: boolean }): SchemaStatus[] {
  const out: SchemaStatus[] = [];
  for (const adapter of [...allAdapters().values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const file = schemaFile(adapter.id);
    const text = renderMappingSchema(adapter);
    const state = !existsSync(file) ? "missing" : readFileSync(file, "utf8") === text ? "current" : "stale";
    if (options.write && state !== "current") {
      mkdirSync(SCHEMA_DIR, { recursive: true });
      writeFileSync(file, text);
    }
    out.push({ adapter: adapter.id, file, state });
  }
  return out;
}
