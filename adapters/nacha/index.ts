import type { DeclaredControl, ParsedItem, RemittanceAdapter } from "../../src/adapter-kit/adapter";
import type { Readable } from "node:stream";
import { declaredOf, parsedOf } from "./controls";
import { fileIdentity } from "./records/file-header";
import { nachaEventChunks, NachaParser, type NachaEvent } from "./parser";
import { resolveProfile } from "./profile";
import { NachaMapping } from "./mapping";
import { buildReturnFile } from "./return-file";
import * as toPayment from "./to-payment";

// Bound once at load, as in parser.ts: under tsx every use of an imported name is a getter lookup.
const { toPaymentDraft } = toPayment;

function toItem(event: NachaEvent, profileName: string): ParsedItem {
  switch (event.type) {
    case "file-header": {
      const h = event.header;
      return {
        kind: "header",
        line: event.line,
        identity: fileIdentity(h),
        info: {
          profile: profileName,
          immediateDestination: h.immediateDestination,
          immediateOrigin: h.immediateOrigin,
          immediateDestinationName: h.immediateDestinationName,
          immediateOriginName: h.immediateOriginName,
          creationDate: h.creationDay,
          creationTime: h.fileCreationTime.trim() || null,
          fileIdModifier: h.fileIdModifier.trim(),
          referenceCode: h.referenceCode,
        },
      };
    }
    case "entry": {
      const e = event.entry;
      if (e.kind === "zero_dollar") {
        return {
          kind: "warning",
          code: "zero_dollar_entry",
          line: e.line,
          field: "transactionCode",
          message: `transaction code ${e.detail.transactionCode} is a zero-dollar remittance entry: no payment recorded`,
        };
      }
      return { kind: "payment", line: e.line, draft: toPaymentDraft(e, e.kind) };
    }
    case "batch-control":
      return control(`batch ${event.batch.batchNumber}`, event.line, declaredOf(event.control), parsedOf(event.totals));
    case "file-control":
      return control("file", event.line, declaredOf(event.control), parsedOf(event.totals));
  }
}

function control(scope: string, line: number, declared: DeclaredControl, parsed: DeclaredControl): ParsedItem {
  return { kind: "control", scope, line, declared, parsed };
}

async function* parse(input: Readable, mapping: NachaMapping): AsyncGenerator<ParsedItem> {
  const profile = resolveProfile(mapping.profile, mapping.leniencies);
  const parser = new NachaParser(profile);
  for await (const events of nachaEventChunks(input, parser)) {
    for (const event of events) yield toItem(event, profile.name);
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A file header (record type 1, priority 01) declaring 94-character records blocked by 10. Those
 * positions are ASCII in every encoding; a UTF-8 byte order mark before them is skipped as the
 * reader skips it.
 */
function sniff(head: Buffer): boolean {
  const at = head.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  return (
    head.length >= at + 40 &&
    head.toString("latin1", at, at + 3) === "101" &&
    head.toString("latin1", at + 34, at + 39) === "09410"
  );
}

/**
 * NACHA (ACH) files: Mastercard RPPS's CIE files and any PPD/CCD/WEB/TEL/COR file. Which deviations
 * are accepted is the mapping's profile (adapters/nacha/profile.ts); controls are checked always.
 * Control items report net money (credits less debits) declared beside parsed.
 */
export const adapter: RemittanceAdapter<NachaMapping> = {
  id: "nacha",
  description:
    "NACHA/ACH files (RPPS CIE, PPD, CCD, WEB, TEL, returns, reversals, NOCs) with strict or RPPS validation profiles.",
  mappingSchema: NachaMapping,
  sniff,
  parse: (input, mapping) => parse(input, mapping),
  returns: { build: buildReturnFile },
};

/** The nacha family has one adapter. */
export const adapters: readonly RemittanceAdapter[] = [adapter as RemittanceAdapter];
