import { expect } from "chai";
import { blockCount, RunningTotals } from "../controls";
import { cut, replaceField, zeroPad, type FieldSpec } from "../fields";
import { PROFILES } from "../profile";
import { BATCH_CONTROL } from "../records/batch-control";
import { FILE_CONTROL } from "../records/file-control";
import { fileLines, joinLines, parseText } from "./helpers";

function bumped(lines: string[], index: number, spec: FieldSpec, delta: number): string[] {
  const width = spec.end - spec.start + 1;
  return lines.map((l, i) => (i === index ? replaceField(l, spec, zeroPad(Number(cut(l, spec)) + delta, width)) : l));
}

describe("NACHA batch and file controls", () => {
  const lines = fileLines();
  const batchControl = lines.findIndex((l) => l.startsWith("8"));
  const fileControl = lines.findIndex((l) => l.startsWith("9"));

  it("a file whose controls match has no errors under strict", async () => {
    const { errors, events } = await parseText(joinLines(lines));
    expect(errors).to.deep.equal([]);
    expect(events.filter((e) => e.type === "entry")).to.have.length(6);
  });

  const cases: [string, number, FieldSpec, string][] = [
    ["batch entry count", batchControl, BATCH_CONTROL.entryAddendaCount, "batch_entry_count_mismatch"],
    ["batch debit total", batchControl, BATCH_CONTROL.totalDebits, "batch_debit_total_mismatch"],
    ["batch credit total", batchControl, BATCH_CONTROL.totalCredits, "batch_credit_total_mismatch"],
    ["batch entry hash", batchControl, BATCH_CONTROL.entryHash, "batch_entry_hash_mismatch"],
    ["file batch count", fileControl, FILE_CONTROL.batchCount, "file_batch_count_mismatch"],
    ["file block count", fileControl, FILE_CONTROL.blockCount, "file_block_count_mismatch"],
    ["file entry count", fileControl, FILE_CONTROL.entryAddendaCount, "file_entry_count_mismatch"],
    ["file entry hash", fileControl, FILE_CONTROL.entryHash, "file_entry_hash_mismatch"],
    ["file debit total", fileControl, FILE_CONTROL.totalDebits, "file_debit_total_mismatch"],
    ["file credit total", fileControl, FILE_CONTROL.totalCredits, "file_credit_total_mismatch"],
  ];
  for (const [what, index, spec, code] of cases) {
    it(`a wrong ${what} is ${code} on the control's line and field ${spec.name}`, async () => {
      const { errors } = await parseText(joinLines(bumped(lines, index, spec, 1)));
      expect(errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([[code, index + 1, spec.name]]);
      expect(errors[0].message).to.match(/declares .*\d+.* \d+/);
    });
  }

  it("a batch control whose batch number differs from its header says which field", async () => {
    const { errors } = await parseText(joinLines(bumped(lines, batchControl, BATCH_CONTROL.batchNumber, 1)));
    expect(errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([
      ["batch_header_control_mismatch", batchControl + 1, "batchNumber"],
    ]);
  });

  it("keeps only the rightmost 10 digits of the entry hash", () => {
    const t = new RunningTotals();
    for (let i = 0; i < 200; i++) t.addEntry(99_999_999, "credit", 1);
    expect(t.hash).to.equal((99_999_999 * 200) % 10_000_000_000);
    t.addEntry(9_999_999_999, "credit", 0);
    expect(t.hash).to.be.lessThan(10_000_000_000);
  });

  it("counts debits and credits apart and reports net money", () => {
    const t = new RunningTotals();
    t.addEntry(0, "credit", 1000);
    t.addEntry(0, "debit", 250);
    t.addAddenda();
    expect([t.count, t.creditCents, t.debitCents, t.netCents]).to.deep.equal([3, 1000, 250, 750]);
  });

  it("needs one block per ten records, rounded up", () => {
    expect([1, 9, 10, 11, 20, 21].map(blockCount)).to.deep.equal([1, 1, 1, 2, 2, 3]);
  });

  it("checks counts and totals under rpps too, where only a blank hash or block count is forgiven", async () => {
    const { errors } = await parseText(
      joinLines(bumped(lines, batchControl, BATCH_CONTROL.totalCredits, 1)),
      PROFILES.rpps,
    );
    expect(errors.map((e) => e.code)).to.deep.equal(["batch_credit_total_mismatch"]);
    const hash = await parseText(joinLines(bumped(lines, fileControl, FILE_CONTROL.entryHash, 1)), PROFILES.rpps);
    expect(hash.errors.map((e) => e.code)).to.deep.equal(["file_entry_hash_mismatch"]);
  });
});
