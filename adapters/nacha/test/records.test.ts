import { expect } from "chai";
import { PROFILES } from "../profile";
import {
  formatChangeAddenda,
  formatPaymentAddenda,
  formatReturnAddenda,
  parseAddenda,
  validateAddenda,
} from "../records/addenda";
import { formatBatchControl, parseBatchControl, validateBatchControl } from "../records/batch-control";
import { formatBatchHeader, isReversalBatch, parseBatchHeader, validateBatchHeader } from "../records/batch-header";
import { formatEntryDetail, hashContribution, parseEntryDetail, validateEntryDetail } from "../records/entry-detail";
import { formatFileControl, parseFileControl, validateFileControl } from "../records/file-control";
import { fileIdentity, formatFileHeader, parseFileHeader, validateFileHeader } from "../records/file-header";

// Records written by hand (or taken from moov-io's public samples), not by our own formatters,
// so that a position mistake shared by parser and writer cannot hide.
const FILE_HEADER = "101 031300012 2313801041908161055A094101Federal Reserve Bank   My Bank Name           12345678";
const BATCH_HEADER = "5220MA HEALTH CONNEC                    9001234567CIERPSPAYMENT240315240321   1999900010000001";
const CIE_ENTRY = "622011000015                 0000052000JORDAN EXAMPLE 7123-456-78             0999900010000003";
const PPD_ENTRY = "622121042882123456789        0100000000ABC##jvkdjfuiwnWade Arnold             1121042880000001";
const ADDENDA_05 = "705Credit Store Account                                                            00010000001";
const ADDENDA_99 = "799R01091400600000001      09100001                                            091000017611242";
const ADDENDA_98 = "798C01121042880000001      121042881918171614                                  091012980000088";
const BATCH_CONTROL = "82000000020005201918000000685100000000685100881234567                          026009590000001";
const FILE_CONTROL = "9000002000001000000040018280120000000012354000000004565                                       ";

describe("NACHA record parsers", () => {
  it("reads every field of a file header, and its identity is origin, date, time and modifier", () => {
    const h = parseFileHeader(FILE_HEADER, 1);
    expect(h).to.include({
      priorityCode: "01",
      immediateDestination: "031300012",
      immediateOrigin: "231380104",
      fileCreationDate: "190816",
      creationDay: "2019-08-16",
      fileCreationTime: "1055",
      fileIdModifier: "A",
      recordSize: "094",
      blockingFactor: "10",
      formatCode: "1",
      immediateDestinationName: "Federal Reserve Bank",
      immediateOriginName: "My Bank Name",
      referenceCode: "12345678",
    });
    expect(fileIdentity(h)).to.equal("231380104|190816|1055|A");
    expect(validateFileHeader(h, PROFILES.strict, 1)).to.deep.equal([]);
  });

  it("refuses a blank file id modifier under strict and accepts it under rpps", () => {
    const h = parseFileHeader(`${FILE_HEADER.slice(0, 33)} ${FILE_HEADER.slice(34)}`, 1);
    expect(validateFileHeader(h, PROFILES.strict, 1).map((e) => [e.code, e.field])).to.deep.equal([
      ["invalid_field", "fileIdModifier"],
    ]);
    expect(validateFileHeader(h, PROFILES.rpps, 1)).to.deep.equal([]);
  });

  it("reads every field of an RPPS batch header: biller name, Biller ID, SEC, description and both dates", () => {
    const b = parseBatchHeader(BATCH_HEADER, 2);
    expect(b).to.include({
      serviceClassCode: "220",
      companyName: "MA HEALTH CONNEC",
      companyDiscretionaryData: "",
      companyIdentification: "9001234567",
      standardEntryClassCode: "CIE",
      companyEntryDescription: "RPSPAYMENT",
      companyDescriptiveDate: "240315",
      descriptiveDay: "2024-03-15",
      effectiveEntryDate: "240321",
      effectiveDay: "2024-03-21",
      settlementDate: "   ",
      originatorStatusCode: "1",
      originatingDfi: "99990001",
      batchNumber: "0000001",
    });
    expect(isReversalBatch(b)).to.equal(false);
    expect(validateBatchHeader(b, PROFILES.strict, 2)).to.deep.equal([]);
  });

  it("takes a descriptive date that is not a date as no initiation day, and an invalid effective date as an error naming the field", () => {
    const b = parseBatchHeader(BATCH_HEADER.replace("240315240321", "MAR 15240231"), 2);
    expect(b.descriptiveDay).to.equal(null);
    expect(b.effectiveDay).to.equal(null);
    const errors = validateBatchHeader(b, PROFILES.strict, 2);
    expect(errors.map((e) => [e.code, e.line, e.field])).to.deep.equal([
      ["invalid_effective_date", 2, "effectiveEntryDate"],
    ]);
  });

  it("reads a CIE entry with the name at 40-54 and the biller account at 55-76, keeping the account as typed", () => {
    const e = parseEntryDetail(CIE_ENTRY, 6, "cie");
    expect(e).to.include({
      transactionCode: "22",
      receivingDfi: "01100001",
      checkDigit: "5",
      dfiAccountNumber: "",
      amountCents: 52000,
      individualName: "JORDAN EXAMPLE",
      identification: "7123-456-78",
      discretionaryData: "  ",
      addendaRecordIndicator: "0",
      traceNumber: "999900010000003",
    });
    expect(e.code).to.deep.equal({ code: "22", direction: "credit", entryClass: "live" });
    expect(hashContribution(e)).to.equal(1100001);
    expect(validateEntryDetail(e, PROFILES.strict, 6)).to.deep.equal([]);
  });

  it("reads a PPD entry with the identification at 40-54 and the name at 55-76", () => {
    const e = parseEntryDetail(PPD_ENTRY, 3, "standard");
    expect(e).to.include({
      identification: "ABC##jvkdjfuiwn",
      individualName: "Wade Arnold",
      dfiAccountNumber: "123456789",
      amountCents: 100000000,
      addendaRecordIndicator: "1",
    });
  });

  it("names each bad entry field: transaction code, check digit, amount, addenda indicator and trace", () => {
    const bad = `6${"99"}${"01100001"}${"4"}${" ".repeat(17)}${"00000520XX"}${CIE_ENTRY.slice(39, 76)}  ${"2"}${"99990001000000X"}`;
    expect(bad).to.have.length(94);
    const e = parseEntryDetail(bad, 9, "cie");
    const found = validateEntryDetail(e, PROFILES.strict, 9).map((x) => [x.code, x.line, x.field]);
    expect(found).to.deep.equal([
      ["invalid_transaction_code", 9, "transactionCode"],
      ["invalid_check_digit", 9, "checkDigit"],
      ["invalid_field", 9, "amount"],
      ["invalid_field", 9, "addendaRecordIndicator"],
      ["invalid_field", 9, "traceNumber"],
    ]);
  });

  it("accepts blank positions 4-29 only under rpps, and a blank DFI adds nothing to the hash", () => {
    const blank = `622${" ".repeat(26)}${CIE_ENTRY.slice(29)}`;
    const e = parseEntryDetail(blank, 6, "cie");
    expect(hashContribution(e)).to.equal(0);
    expect(validateEntryDetail(e, PROFILES.rpps, 6)).to.deep.equal([]);
    expect(validateEntryDetail(e, PROFILES.strict, 6).map((x) => x.field)).to.deep.equal(["receivingDfi"]);
  });

  it("reads addenda 05 text, 99 return reason and original trace, and 98 change code with corrected data", () => {
    expect(parseAddenda(ADDENDA_05, 4)).to.deep.equal({
      type: "05",
      text: "Credit Store Account",
      sequence: "0001",
      entrySequence: "0000001",
    });
    expect(parseAddenda(ADDENDA_99, 4)).to.deep.equal({
      type: "99",
      reasonCode: "R01",
      originalTrace: "091400600000001",
      dateOfDeath: null,
      originalDfi: "09100001",
      information: "",
      traceNumber: "091000017611242",
    });
    expect(parseAddenda(ADDENDA_98, 4)).to.deep.equal({
      type: "98",
      changeCode: "C01",
      originalTrace: "121042880000001",
      originalDfi: "12104288",
      correctedData: "1918171614",
      traceNumber: "091012980000088",
    });
    for (const line of [ADDENDA_05, ADDENDA_99, ADDENDA_98])
      expect(validateAddenda(parseAddenda(line, 4), PROFILES.strict, 4)).to.deep.equal([]);
  });

  it("refuses a return addenda whose reason is not R-nn", () => {
    const a = parseAddenda(ADDENDA_99.replace("R01", "X01"), 7);
    expect(validateAddenda(a, PROFILES.strict, 7).map((e) => [e.code, e.field])).to.deep.equal([
      ["invalid_field", "reasonCode"],
    ]);
  });

  it("reads every number of a batch control", () => {
    const c = parseBatchControl(BATCH_CONTROL, 5);
    expect(c).to.include({
      serviceClassCode: "200",
      entryAddendaCount: 2,
      entryHash: 5201918,
      entryHashBlank: false,
      totalDebitCents: 685100,
      totalCreditCents: 685100,
      companyIdentification: "881234567",
      originatingDfi: "02600959",
      batchNumber: "0000001",
    });
    expect(validateBatchControl(c, PROFILES.strict, 5)).to.deep.equal([]);
  });

  it("reads every number of a file control", () => {
    const c = parseFileControl(FILE_CONTROL, 10);
    expect(c).to.include({
      batchCount: 2,
      blockCount: 1,
      entryAddendaCount: 4,
      entryHash: 18280120,
      totalDebitCents: 12354,
      totalCreditCents: 4565,
    });
    expect(validateFileControl(c, PROFILES.strict, 10)).to.deep.equal([]);
  });

  it("writes each record back to exactly the text it was read from", () => {
    const h = parseFileHeader(FILE_HEADER, 1);
    expect(formatFileHeader({ ...h, immediateDestination: " 031300012", immediateOrigin: " 231380104" })).to.equal(
      FILE_HEADER,
    );
    const b = parseBatchHeader(BATCH_HEADER, 2);
    expect(formatBatchHeader({ ...b, batchNumber: 1 })).to.equal(BATCH_HEADER);
    const e = parseEntryDetail(CIE_ENTRY, 3, "cie");
    expect(formatEntryDetail({ ...e, amountCents: 52000, addenda: false }, "cie")).to.equal(CIE_ENTRY);
    expect(formatPaymentAddenda("Credit Store Account", 1, "121042880000001")).to.equal(ADDENDA_05);
    const r = parseAddenda(ADDENDA_99, 4);
    if (r.type !== "99" || !("reasonCode" in r)) throw new Error("not a return");
    expect(formatReturnAddenda(r)).to.equal(ADDENDA_99);
    const c = parseAddenda(ADDENDA_98, 4);
    if (!("changeCode" in c)) throw new Error("not a NOC");
    expect(formatChangeAddenda(c)).to.equal(ADDENDA_98);
    const bc = parseBatchControl(BATCH_CONTROL, 5);
    expect(
      formatBatchControl({
        ...bc,
        entryAddendaCount: 2,
        entryHash: bc.entryHash,
        totalDebitCents: 685100,
        totalCreditCents: 685100,
        batchNumber: 1,
      }),
    ).to.equal(BATCH_CONTROL);
    expect(
      formatFileControl({
        batchCount: 2,
        blockCount: 1,
        entryAddendaCount: 4,
        entryHash: 18280120,
        totalDebitCents: 12354,
        totalCreditCents: 4565,
      }),
    ).to.equal(FILE_CONTROL);
  });
});
