import { expect } from "chai";
import type { ReturnItem } from "../../../src/adapter-kit/returns";
import { blockCount } from "../controls";
import { isReturnAddenda } from "../records/addenda";
import { buildReturnFile } from "../return-file";
import { toPaymentDraft } from "../to-payment";
import { batch, entriesOf, fileLines, joinLines, parseText } from "./helpers";

/** The entries of a file as the core stores them, to be returned with `reason`. */
async function itemsOf(text: string, reason: string): Promise<ReturnItem[]> {
  const { events, errors } = await parseText(text);
  expect(errors).to.deep.equal([]);
  return entriesOf(events).map((e, i) => {
    const d = toPaymentDraft(e, "payment");
    return {
      paymentId: `p${i}`,
      amountCents: d.amountCents,
      raw: d.raw,
      payerName: d.payerName,
      accountRaw: d.accountRaw,
      details: d.details ?? {},
      reasonCode: reason,
      information: `returned ${i}`,
    };
  });
}

describe("nacha return file", () => {
  const header = { immediateDestination: "011000015", immediateOrigin: "9101036669" };
  const original = joinLines(
    fileLines({
      batches: [
        batch({ sec: "PPD", receivingDfi: "02100002", companyName: "SOME PAYER BANK" }),
        batch({
          originatingDfi: "99990002",
          entries: [{ transactionCode: "32", amountCents: 1999, name: "SAVER", account: "712345686" }],
        }),
      ],
    }),
  );

  it("returns each credit with 21/31, one addenda 99, new traces and controls our strict parser accepts", async () => {
    const items = await itemsOf(original, "R23");
    const built = buildReturnFile({
      originalHeader: header,
      items,
      createdOn: "2024-03-25",
      createdAt: "1015",
      firstSequence: 41,
      fileOfDay: 2,
    });
    const { events, errors } = await parseText(built.text);
    expect(errors).to.deep.equal([]);
    const lines = built.text.replace(/\n$/, "").split("\n");
    expect(lines.every((l) => l.length === 94)).to.equal(true);
    expect(lines.length).to.equal(blockCount(lines.length) * 10);
    expect(lines[0].slice(33, 34)).to.equal("B");
    const returned = entriesOf(events);
    const back = returned.map((e) => {
      const a = e.addenda.find(isReturnAddenda);
      return [e.kind, e.detail.transactionCode, e.detail.amountCents, a?.reasonCode, a?.originalTrace, a?.originalDfi];
    });
    const originals = await itemsOf(original, "R23");
    expect(back).to.deep.equal(
      originals.map((o) => [
        "return",
        o.details.transactionCode === "32" ? "31" : "21",
        o.amountCents,
        "R23",
        o.details.traceNumber,
        // The PPD batch names its receiving DFI; the RPPS one leaves it blank: the file's destination then.
        o.details.secCode === "PPD" ? "02100002" : "01100001",
      ]),
    );
    expect(returned.map((e) => e.batch.companyName)).to.include("SOME PAYER BANK");
    expect(returned.map((e) => e.batch.standardEntryClassCode)).to.deep.equal(originals.map((o) => o.details.secCode));
    // Each sender numbers its own entries: the return's sender is the original's receiving DFI.
    const seen = new Map<string, number>();
    const expected = returned.map((e) => {
      const dfi = e.detail.traceNumber.slice(0, 8);
      seen.set(dfi, (seen.get(dfi) ?? 40) + 1);
      return dfi + String(seen.get(dfi)).padStart(7, "0");
    });
    expect(returned.map((e) => e.detail.traceNumber)).to.deep.equal(expected);
    expect(returned.map((e) => e.batch.originatingDfi)).to.deep.equal(
      returned.map((e) => e.detail.traceNumber.slice(0, 8)),
    );
    expect([...built.traces.values()]).to.deep.equal(returned.map((e) => e.detail.traceNumber));
    expect(built.totalCents).to.equal(originals.reduce((sum, o) => sum + o.amountCents, 0));
  });

  it("refuses to return an entry that is not a live credit", async () => {
    const [item] = await itemsOf(original, "R22");
    const debit = { ...item, details: { ...item.details, transactionCode: "27" } };
    expect(() =>
      buildReturnFile({
        originalHeader: header,
        items: [debit],
        createdOn: "2024-03-25",
        createdAt: "1015",
        firstSequence: 1,
        fileOfDay: 1,
      }),
    ).to.throw(/not a live credit/);
  });
});
