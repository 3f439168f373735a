/**
 * What `billpay adapter new NAME` writes: a minimal adapter that works end to end (a pipe-
 * delimited line format with a trailer), its mapping, a sample and a conformance test that fails
 * until the engineer has reviewed and written the golden. The engineer then replaces the format.
 */

export interface ScaffoldFile {
  /** Path relative to the project root. */
  path: string;
  text: string;
}

export function adapterScaffold(name: string): ScaffoldFile[] {
  return [
    { path: `adapters/${name}/index.ts`, text: adapterIndex(name) },
    { path: `mappings/${name}.yaml`, text: mappingYaml(name) },
    { path: `sample-files/${name}/sample.txt`, text: sampleText() },
    { path: `adapters/${name}/test/${name}.conformance.test.ts`, text: conformanceTest(name) },
  ];
}

function constName(name: string): string {
  return name.replace(/(^|[-_])([a-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase()) + "Mapping";
}

// eslint-disable-next-line max-lines-per-function -- the text of one generated file, kept whole so it reads as the file it writes
function adapterIndex(name: string): string {
  const M = constName(name);
  return `import { z } from "zod";
import type { ParsedItem, RemittanceAdapter } from "../../src/adapter-kit/adapter";
import { ErrorCollector, FormatError } from "../../src/adapter-kit/format-error";
import { readLines } from "../../src/adapter-kit/line-reader";
import { mappingBase } from "../../src/adapter-kit/mapping";
import { decimalToCents, type PaymentKind } from "../../src/model";

/**
 * ${name}: TODO say what this format is, who sends it, and where its layout is documented.
 *
 * Scaffolded by \`billpay adapter new ${name}\`. It reads a placeholder format so that the
 * conformance suite runs from day one; replace it with the real one:
 *   P|<ref>|<account as typed>|<amount, dollars>|<initiated YYYY-MM-DD>|<settled YYYY-MM-DD>   a payment
 *   R|<ref>|<account as typed>|<amount, dollars>|<initiated>|<settled>|<original ref>         a reversal
 *   T|<number of P and R lines>|<net total, dollars>                                          the trailer
 */
export const ${M} = mappingBase("${name}").extend({
  delimiter: z.string().length(1).default("|").describe("The field separator."),
}).strict();
export type ${M} = z.output<typeof ${M}>;

const KINDS: Record<string, PaymentKind> = { P: "payment", R: "reversal" };

export const adapter: RemittanceAdapter<${M}> = {
  id: "${name}",
  description: "TODO: one line on the ${name} format",
  mappingSchema: ${M},
  async *parse(input, mapping): AsyncGenerator<ParsedItem> {
    const errors = new ErrorCollector();
    let count = 0;
    let net = 0;
    let trailer = false;
    let lastLine = 0;
    for await (const { line, text } of readLines(input, { maxLineLength: 4096 })) {
      lastLine = line;
      if (text.trim() === "") continue;
      const f = text.split(mapping.delimiter);
      if (trailer) {
        errors.add(new FormatError("record_after_trailer", line, null, "a record after the trailer"));
      } else if (f[0] === "T") {
        trailer = true;
        const declared = { count: Number(f[1]), totalCents: cents(f[2], line, "total", errors) };
        yield { kind: "control", scope: "file", line, declared, parsed: { count, totalCents: net } };
        if (declared.count !== count) errors.add(new FormatError("control_count_mismatch", line, "count", \`declared \${f[1]} records, found \${count}\`));
        if (declared.totalCents !== net) errors.add(new FormatError("control_total_mismatch", line, "total", \`declared \${f[2]}, found \${net} cents\`));
      } else if (KINDS[f[0]] && f.length >= 6) {
        const kind = KINDS[f[0]];
        const amount = cents(f[3], line, "amount", errors);
        count += 1;
        if (amount === null) continue;
        net += kind === "payment" ? amount : -amount;
        const draft = {
          kind,
          sourceRef: f[1] || null,
          amountCents: amount,
          payerName: null,
          accountRaw: f[2] || null,
          initiatedOn: f[4] || null,
          settledOn: f[5] || null,
          originalRef: f[6] || null,
          raw: text,
        };
        yield { kind: "payment", line, draft };
      } else {
        errors.add(new FormatError("unknown_record", line, null, "not a P, R or T record"));
      }
    }
    if (lastLine === 0) errors.add(new FormatError("empty_file", 0, null, "the file is empty"));
    else if (!trailer) errors.add(new FormatError("missing_trailer", lastLine, null, "no trailer record (truncated?)"));
    errors.throwIfAny();
  },
};

/** What the registry reads: this family's adapters (a family may export several). */
export const adapters: readonly RemittanceAdapter[] = [adapter as RemittanceAdapter];

function cents(value: string | undefined, line: number, field: string, errors: ErrorCollector): number | null {
  try {
    return decimalToCents(value ?? "");
  } catch {
    errors.add(new FormatError("bad_amount", line, field, "not an amount in dollars"));
    return null;
  }
}
`;
}

function mappingYaml(name: string): string {
  return `# yaml-language-server: $schema=./schema/${name}.schema.json
# ${name}: TODO say who sends this and where its layout is documented.
# After changing the adapter's mapping schema: npx tsx scripts/gen-mapping-schemas.ts
version: 1
adapter: ${name}
description: TODO one line for people
delimiter: "|"
`;
}

function sampleText(): string {
  return [
    "P|S0001|712345678|412.50|2017-03-15|2017-03-20",
    "P|S0002|7123-456-86|89.00|2017-03-16|2017-03-20",
    "P|S0003| 712345694 |1250.00|2017-03-17|2017-03-20",
    "R|S0004|712345678|412.50|2017-03-17|2017-03-20|S0000",
    "T|4|1339.00",
    "",
  ].join("\n");
}

function conformanceTest(name: string): string {
  return `import { describeConformance } from "../../../test/conformance/suite";

// The shared adapter conformance suite for ${name}. It fails until sample-files/${name}/ has a
// golden beside each sample: read the dry run, then write it with
//   npx tsx scripts/update-goldens.ts ${name}
describeConformance("${name}");
`;
}
