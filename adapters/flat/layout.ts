import { z } from "zod";
import { PAYMENT_KINDS, PLAN_TYPES } from "../../src/model";
import { TEXT_ENCODINGS } from "../../src/adapter-kit/text-decoding";

/**
 * The declarative part shared by the CSV and fixed-width families: which record is a header,
 * detail or trailer, which field holds what, how dates and amounts are written, and what the
 * trailer declares. A family supplies only how a field is located (`FieldRef`: a CSV column or
 * fixed-width positions) and how records are read.
 */

const Codes = z.array(z.string()).min(1);

const AMOUNT_STYLES = ["cents", "decimal"] as const;
const AMOUNT_SIGNS = ["none", "leading", "trailing"] as const;

/** How a family reads its text when the mapping says nothing. */
type DefaultEncoding = (typeof TEXT_ENCODINGS)[number];

/**
 * Builds the zod schemas of a flat layout around a family's way of locating a field, and the
 * encoding the family assumes when a mapping does not declare one.
 */
export function flatLayoutSchemas<Shape extends z.ZodRawShape>(
  ref: z.ZodObject<Shape>,
  defaultEncoding: DefaultEncoding = "utf-8",
) {
  const { DetailFields, HeaderFields, TrailerFields, RecordTypes } = recordSchemas<Shape>(fieldSchemas(ref));
  const Layout = {
    encoding: z
      .enum(TEXT_ENCODINGS)
      .default(defaultEncoding)
      .describe(
        'Character set of the file: "auto" reads it as UTF-8 when its bytes are valid UTF-8 and as Windows-1252 ' +
          "otherwise (decided at the first line with a byte beyond ASCII; a file that turns invalid UTF-8 after " +
          'that is refused); "utf-8", "latin1" (ISO-8859-1) or "windows-1252" read it as that, whatever the bytes.',
      ),
    recordTypes: RecordTypes.optional(),
    header: HeaderFields.optional(),
    detail: DetailFields,
    trailer: TrailerFields.optional(),
    trailerTotal: z
      .enum(["net", "gross"])
      .default("net")
      .describe(
        'What the trailer total sums: "net" (payments less reversals and returns) or "gross" (every amount as a magnitude).',
      ),
    negativeKind: z
      .enum(["reversal", "return"])
      .default("reversal")
      .describe("The kind a negative amount takes when its record's kind field says payment (or there is none)."),
    method: z
      .enum(["ach", "check", "wire", "card", "other"])
      .default("ach")
      .describe("How the money moved, for every payment of the file."),
    expectedPayeeName: z
      .string()
      .default("MA Health Connector")
      .describe("Payee name the header must carry; a different one is a warning on the file, never a rejection."),
  };
  return { Layout };
}

/** The kinds of field, around the family's way of locating one. */
function fieldSchemas<Shape extends z.ZodRawShape>(ref: z.ZodObject<Shape>) {
  const TextField = ref
    .extend({
      trim: z.boolean().default(true).describe("Strip leading and trailing blanks from the value (default true)."),
    })
    .strict()
    .describe("Where a text value sits in the record.");

  const DateField = TextField.extend({
    format: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .describe('luxon format(s) tried in order, e.g. "MM/dd/yyyy" or ["yyyyMMdd", "yyMMdd"].'),
    required: z.boolean().default(false).describe("A blank value is an error (default: blank means unknown)."),
  })
    .strict()
    .describe("A day, read as a local date in America/New_York.");

  const SignField = TextField.extend({
    negative: Codes.describe('Values of the sign field that make the amount negative, e.g. ["-", "DR"].'),
  })
    .strict()
    .describe("A separate field whose value says the amount is negative.");

  const AmountField = TextField.extend({
    style: z
      .enum(AMOUNT_STYLES)
      .describe('"cents": digits that count cents (0000041250); "decimal": dollars with a point (412.50).'),
    sign: z
      .enum(AMOUNT_SIGNS)
      .default("none")
      .describe('Where a minus may be written: "leading" (-412.50), "trailing" (412.50-), or "none".'),
    signField: SignField.optional().describe("A separate sign column or position (instead of, or as well as, `sign`)."),
    thousands: z.boolean().default(false).describe("Accept thousands separators (1,250.00) in the value."),
  })
    .strict()
    .describe("A money amount; kept as integer cents.");

  const CountField = TextField.describe("A whole number (a record count).");

  const codesByValue = <V extends readonly [string, ...string[]]>(values: V, what: string) =>
    TextField.extend({
      values: z
        .partialRecord(z.enum(values), Codes)
        .describe(`Which codes in the field mean which ${what}; a code not listed is an error.`),
    })
      .strict()
      .describe(`A code that says the ${what}.`);

  const KindField = codesByValue(PAYMENT_KINDS, "payment kind");
  const PlanField = codesByValue(PLAN_TYPES, "plan type");
  return { TextField, DateField, AmountField, CountField, KindField, PlanField };
}

/** The fields of each record, and the record-type selector. */
function recordSchemas<Shape extends z.ZodRawShape>(fields: ReturnType<typeof fieldSchemas<Shape>>) {
  const { TextField, DateField, AmountField, CountField, KindField, PlanField } = fields;
  const DetailFields = z
    .object({
      amount: AmountField.describe("The amount paid (a magnitude unless negative; see negativeKind)."),
      accountRaw: TextField.describe("The member's billing account number as typed at the bank."),
      sourceRef: TextField.optional().describe(
        "The aggregator's reference for the payment (confirmation or trace number).",
      ),
      payerName: TextField.optional().describe("The member's name."),
      initiatedOn: DateField.optional().describe("The day the member scheduled or the bank sent the payment."),
      settledOn: DateField.optional().describe(
        "The day the money is credited to the payee; defaults to the header's settledOn.",
      ),
      coverageMonth: DateField.optional().describe(
        "The coverage month when the file states it (any day of that month).",
      ),
      kind: KindField.optional().describe("Payment, reversal or return; without it every detail is a payment."),
      planType: PlanField.optional().describe("Health or dental, when the file says."),
      reasonCode: TextField.optional().describe("Return reason code (R01…)."),
      originalRef: TextField.optional().describe("For reversals and returns: the reference of the original payment."),
      details: z
        .record(z.string(), TextField)
        .optional()
        .describe("Further fields kept with the payment as format-specific details, by name."),
    })
    .strict()
    .describe("Fields of a detail (payment) record.");

  const HeaderFields = z
    .object({
      fileId: TextField.optional().describe("The sender's file id: the file's identity for duplicate detection."),
      settledOn: DateField.optional().describe(
        "The settlement day of the whole file, for details that do not carry their own.",
      ),
      initiatedOn: DateField.optional().describe("The day the file was sent, for details that do not carry their own."),
      payeeName: TextField.optional().describe("The payee name the sender wrote; checked against expectedPayeeName."),
    })
    .strict()
    .describe("Fields of the header record.");

  const TrailerFields = z
    .object({
      count: CountField.optional().describe("The number of detail records the sender declares."),
      total: AmountField.optional().describe("The amount total the sender declares."),
    })
    .strict()
    .describe("Fields of the trailer record.");

  const RecordTypes = z
    .object({
      field: TextField.describe("The field that tells the record type."),
      header: Codes.optional().describe("Codes of the header record (at most one, before any detail)."),
      detail: Codes.describe("Codes of detail (payment) records."),
      trailer: Codes.optional().describe("Codes of the trailer record (exactly one, last, when declared)."),
      ignore: z.array(z.string()).optional().describe("Codes of records to skip (padding, comments)."),
    })
    .strict()
    .describe("The record-type selector. Without it every record is a detail.");

  return { DetailFields, HeaderFields, TrailerFields, RecordTypes };
}
