import { expect } from "chai";
import { readFileSync } from "node:fs";
import { findAdapter } from "../../src/config/adapter-registry";
import { renderMappingSchema, schemaFile, syncMappingSchemas } from "../../src/mapping-schema/json-schema";

/** Paths of object properties that carry no description (editors would show no hint). */
function undescribed(schema: unknown, path = "$"): string[] {
  if (!schema || typeof schema !== "object") return [];
  const node = schema as {
    properties?: Record<string, unknown>;
    additionalProperties?: unknown;
    anyOf?: unknown[];
    items?: unknown;
  };
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (!(child as { description?: string }).description) out.push(`${path}.${key}`);
    out.push(...undescribed(child, `${path}.${key}`));
  }
  for (const [i, branch] of (node.anyOf ?? []).entries()) out.push(...undescribed(branch, `${path}|${i}`));
  out.push(...undescribed(node.items, `${path}[]`));
  if (typeof node.additionalProperties === "object") out.push(...undescribed(node.additionalProperties, `${path}.*`));
  return out;
}

describe("mapping JSON Schemas", () => {
  it("the committed mappings/schema/*.schema.json match every adapter's zod mapping schema", () => {
    const stale = syncMappingSchemas({ write: false }).filter((s) => s.state !== "current");
    expect(
      stale.map((s) => `${s.adapter}: ${s.state}`),
      "run: npx tsx scripts/gen-mapping-schemas.ts",
    ).to.deep.equal([]);
  });

  for (const id of ["csv", "fixed-width"]) {
    it(`the ${id} schema describes every key of a mapping`, () => {
      const schema = JSON.parse(renderMappingSchema(findAdapter(id))) as unknown;
      expect(undescribed(schema)).to.deep.equal([]);
    });

    it(`the ${id} schema names its adapter as a constant and forbids unknown keys`, () => {
      const schema = JSON.parse(readFileSync(schemaFile(id), "utf8")) as {
        properties: { adapter: { const: string } };
        additionalProperties: boolean;
        required: string[];
      };
      expect(schema.properties.adapter.const).to.equal(id);
      expect(schema.additionalProperties).to.equal(false);
      expect(schema.required).to.include.members(["version", "adapter", "detail"]);
    });
  }
});
