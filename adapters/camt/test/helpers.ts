import { createReadStream } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { camt053 } from "../camt053";
import { camt054 } from "../camt054";
import { asFormatErrors, type FormatError } from "../../../src/adapter-kit/format-error";
import { Camt053Mapping, Camt054Mapping } from "../mapping";
import type { ParsedItem } from "../../../src/adapter-kit/adapter";
import { SAMPLES_DIR } from "../../../src/paths";
import { chunks } from "../../../test/conformance/parse-in-memory";

/** genkgo/camt's public samples (fixtures/public/README.md). */
export const GENKGO = path.join(__dirname, "fixtures", "public");

export function sample(aggregator: "camt054" | "camt053", name: string): string {
  return path.join(SAMPLES_DIR, aggregator, name);
}

export interface Outcome {
  items: ParsedItem[];
  errors: FormatError[];
  /** Anything thrown that is not a FormatError: always a bug. */
  crash: unknown;
}

async function collect(items: AsyncIterable<ParsedItem>): Promise<Outcome> {
  const out: Outcome = { items: [], errors: [], crash: null };
  try {
    for await (const item of items) out.items.push(item);
  } catch (error) {
    const errors = asFormatErrors(error);
    if (errors) out.errors = errors;
    else out.crash = error;
  }
  return out;
}

type Input = { file: string } | { text: string | Buffer; chunk?: number };

function stream(input: Input): Readable {
  if ("file" in input) return createReadStream(input.file);
  return chunks(typeof input.text === "string" ? Buffer.from(input.text) : input.text, input.chunk ?? 64 * 1024);
}

export function read054(input: Input, mapping: Record<string, unknown> = {}): Promise<Outcome> {
  const m = Camt054Mapping.parse({ version: 1, adapter: "camt054", ...mapping });
  return collect(camt054.parse(stream(input), m, { name: "test.xml", aggregator: "camt054" }));
}

export function read053(input: Input, mapping: Record<string, unknown> = {}): Promise<Outcome> {
  const m = Camt053Mapping.parse({ version: 1, adapter: "camt053", ...mapping });
  return collect(camt053.parse(stream(input), m, { name: "test.xml", aggregator: "camt053" }));
}

export function payments(o: Outcome): Extract<ParsedItem, { kind: "payment" }>[] {
  return o.items.filter((i): i is Extract<ParsedItem, { kind: "payment" }> => i.kind === "payment");
}

export function bankEntries(o: Outcome): Extract<ParsedItem, { kind: "bank_entry" }>[] {
  return o.items.filter((i): i is Extract<ParsedItem, { kind: "bank_entry" }> => i.kind === "bank_entry");
}

export function warnings(o: Outcome): Extract<ParsedItem, { kind: "warning" }>[] {
  return o.items.filter((i): i is Extract<ParsedItem, { kind: "warning" }> => i.kind === "warning");
}

/** A camt.053 v02 statement with one booked entry per amount (all credits), balances consistent. */
export function statementWith(amounts: string[], opening = "0.00", closing?: string): string {
  const entries = amounts
    .map(
      (a, i) => `
      <Ntry>
        <NtryRef>${i + 1}</NtryRef>
        <Amt Ccy="USD">${a}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <RvslInd>false</RvslInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2017-03-20</Dt></BookgDt>
        <BkTxCd><Prtry><Cd>165</Cd></Prtry></BkTxCd>
      </Ntry>`,
    )
    .join("");
  const balance = (code: string, amount: string): string =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="USD">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2017-03-20</Dt></Dt></Bal>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>T1</MsgId><CreDtTm>2017-03-20T23:00:00-04:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S1</Id>
      <ElctrncSeqNb>1</ElctrncSeqNb>
      <CreDtTm>2017-03-20T23:00:00-04:00</CreDtTm>
      <Acct><Id><Othr><Id>9876543210</Id></Othr></Id><Svcr><FinInstnId><BIC>EXAMUS33</BIC></FinInstnId></Svcr></Acct>
      ${balance("OPBD", opening)}
      ${closing ? balance("CLBD", closing) : ""}${entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}
