import { z } from "zod";
import { mappingBase, RegexSource } from "../../src/adapter-kit/mapping";
import { XmlLimits } from "./limits";

/** A path of element names under `TxDtls`, as FORMATS.md writes them: "RmtInf/Strd/CdtrRefInf/Ref". */
const ElementPath = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9]*(\/[A-Za-z][A-Za-z0-9]*)*$/,
    'expected element names joined by "/", e.g. RmtInf/Strd/CdtrRefInf/Ref',
  );

const Versions = z
  .array(z.string().regex(/^001\.\d{2}$/, 'expected a message version such as "001.08"'))
  .min(1)
  .default(["001.02", "001.04", "001.08"])
  .describe(
    "Message versions accepted, from the document's namespace (urn:iso:std:iso:20022:tech:xsd:camt.054.001.08 is 001.08). Tested: 001.02, 001.04, 001.08.",
  );

const Statuses = z
  .array(z.enum(["BOOK", "PDNG", "INFO"]))
  .min(1)
  .default(["BOOK"])
  .describe(
    "Entry statuses (Sts) that count as money: BOOK (booked) only, or also PDNG (pending). Other entries are reported as warnings and skipped.",
  );

const Limits = XmlLimits.prefault({});

export const AccountLocation = z
  .object({
    paths: z
      .array(ElementPath)
      .default(["RmtInf/Strd/CdtrRefInf/Ref"])
      .describe(
        "Element paths under TxDtls tried in order; the first non-blank value is the account number as the member typed it.",
      ),
    ustrdPattern: RegexSource.nullable()
      .default("\\b7(?:[ -]?\\d){8}\\b")
      .describe(
        "When no path gives a value: a regular expression over the free text (RmtInf/Ustrd, lines joined by a space); its first match is the account number. null turns the fallback off.",
      ),
  })
  .strict()
  .describe("Where the member's billing account number is: bank specific.");

export const PayeeIdentityCheck = z
  .object({
    check: z
      .boolean()
      .default(true)
      .describe(
        "Compare each transaction's creditor (RltdPties/Cdtr) with the payee; a mismatch is a warning on the file (RULES R6).",
      ),
    names: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Creditor names that are the payee; default the payee policy\'s name ("MA Health Connector").'),
    address: z
      .string()
      .min(1)
      .optional()
      .describe("The payee's postal address; default the payee policy's (P.O. Box 970063, Boston, MA 02297-0063)."),
  })
  .strict()
  .describe("Payee name and address check.");

export const Camt054Mapping = mappingBase("camt054")
  .extend({
    versions: Versions,
    statuses: Statuses,
    account: AccountLocation.prefault({}),
    payeeIdentity: PayeeIdentityCheck.prefault({}),
    settlementDate: z
      .enum(["booking", "value"])
      .default("booking")
      .describe(
        "Which entry date is the day the money settled: booking (BookgDt) or value (ValDt); the other, then TxDtls/RltdDts/IntrBkSttlmDt, is the fallback.",
      ),
    initiatedOn: z
      .array(ElementPath)
      .default(["RltdDts/AccptncDtTm", "RltdDts/TxDtTm"])
      .describe(
        "Element paths under TxDtls for the day the member's bank sent the payment (RULES R2), tried in order.",
      ),
    method: z
      .enum(["ach", "check", "wire", "card", "other"])
      .default("ach")
      .describe("How the money moved, for every payment of this aggregator."),
    limits: Limits,
  })
  .strict();
export type Camt054Mapping = z.output<typeof Camt054Mapping>;

export const Camt053Mapping = mappingBase("camt053")
  .extend({
    versions: Versions,
    statuses: Statuses,
    checkBalances: z
      .boolean()
      .default(true)
      .describe(
        "Require opening booked balance (OPBD or PRCD) plus booked entries to equal the closing booked balance (CLBD).",
      ),
    limits: Limits,
  })
  .strict();
export type Camt053Mapping = z.output<typeof Camt053Mapping>;
