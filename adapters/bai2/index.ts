import type { Readable } from "node:stream";
import type { ParsedItem, RemittanceAdapter } from "../../src/adapter-kit/adapter";
import { readBai2 } from "./reader";
import { fileIdentity } from "./records/file-header";
import { Bai2Mapping } from "./mapping";
import { detailItem } from "./to-items";

/** A lockbox deposit (115) and the items (116) that follow it, to check that they add up. */
interface OpenDeposit {
  line: number;
  amountCents: number;
  itemCents: number;
  items: number;
}

function depositWarning(d: OpenDeposit | null): ParsedItem[] {
  if (!d || d.items === 0 || d.itemCents === d.amountCents) return [];
  return [
    {
      kind: "warning",
      code: "lockbox_deposit_mismatch",
      line: d.line,
      field: "16.amount",
      message: `lockbox deposit of ${d.amountCents} cents is followed by ${d.items} item(s) totalling ${d.itemCents} cents`,
    },
  ];
}

async function* parse(input: Readable, mapping: Bai2Mapping): AsyncGenerator<ParsedItem> {
  let deposit: OpenDeposit | null = null;
  for await (const e of readBai2(input)) {
    switch (e.type) {
      case "file":
        yield {
          kind: "header",
          line: e.line,
          identity: fileIdentity(e.header),
          info: {
            senderId: e.header.senderId,
            receiverId: e.header.receiverId,
            creationDate: e.header.creationDate,
            creationTime: e.header.creationTime,
            fileId: e.header.fileId,
          },
        };
        break;
      case "group":
        if (e.header.groupStatus !== "1") {
          const meaning = { "2": "deletion", "3": "correction", "4": "test only" }[e.header.groupStatus] ?? "unknown";
          yield {
            kind: "warning",
            code: "bai2_group_status",
            line: e.line,
            field: "02.groupStatus",
            message: `group status ${JSON.stringify(e.header.groupStatus)} (${meaning}), not 1 (update)`,
          };
        }
        break;
      case "account":
        break;
      case "detail": {
        const code = e.detail.typeCode;
        if (mapping.lockbox.itemTypeCodes.includes(code) && deposit) {
          deposit.items += 1;
          deposit.itemCents += e.detail.amountCents;
        } else {
          yield* depositWarning(deposit);
          deposit = mapping.lockbox.depositTypeCodes.includes(code)
            ? { line: e.line, amountCents: e.detail.amountCents, itemCents: 0, items: 0 }
            : null;
        }
        const item = detailItem(e, mapping);
        if (item) yield item;
        break;
      }
      case "control":
        if (e.scope === "account") {
          yield* depositWarning(deposit);
          deposit = null;
        }
        yield { kind: "control", scope: e.label, line: e.line, declared: e.declared, parsed: e.parsed };
        break;
    }
  }
}

/**
 * BAI2 bank reports: lockbox check items become payments by check; bank credits and debits are
 * kept as bank entries to reconcile remittance files against. Every 49, 98 and 99 total and record
 * count is enforced. Lines are physical lines.
 */
export const adapter: RemittanceAdapter<Bai2Mapping> = {
  id: "bai2",
  description:
    "BAI2 bank reports: lockbox check items (116) as payments; ACH/wire credits and debits as bank entries for reconciliation.",
  mappingSchema: Bai2Mapping,
  sniff: (head) => /^\uFEFF?\s*01,[^,]*,[^,]*,\d{6},/.test(head.toString("latin1", 0, Math.min(head.length, 200))),
  parse: (input, mapping) => parse(input, mapping),
};

/** The bai2 family has one adapter. */
export const adapters: readonly RemittanceAdapter[] = [adapter as RemittanceAdapter];
