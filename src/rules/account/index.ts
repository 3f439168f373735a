import type { PayeePolicy } from "../payee-policy";
import type { AccountStatus } from "../../model/enums";
import type { Finding } from "../../model/finding";
import { finding } from "../findings";
import { passesCheckDigit } from "./check-digit";
import { describeMasks, matchesAnyMask } from "./mask";
import { normalizeAccount } from "./normalize";
import { looksLikeSsn, maskSsn } from "./ssn";

export {
  CHECK_DIGIT_ROUTINES,
  luhnCheckDigit,
  mod11CheckDigit,
  passesCheckDigit,
  type CheckDigitRoutine,
} from "./check-digit";
export { describeMasks, matchesAnyMask, matchesMask } from "./mask";
export { normalizeAccount } from "./normalize";
export { looksLikeSsn, maskSsn } from "./ssn";

/** The outcome of checking one typed account number against the payee's rules (R4). */
export interface AccountCheck {
  status: AccountStatus;
  /** The normalised number when it has the payee's form (valid, repaired, unknown_account), else null. */
  accountNumber: string | null;
  /** What may be stored as accountRaw: the value as typed, or masked when it looks like an SSN. */
  accountRaw: string | null;
  /** Why, for people; never contains the account digits. */
  reason: string;
  findings: Finding[];
}

export interface AccountCheckOptions {
  /** Whether billing data knows the number; null or absent when there is no billing data. */
  knownAccount?: boolean | null;
}

/** The policy's masks described for reasons: once per policy, not once per payment. */
const describedMasks = new WeakMap<readonly string[], string>();

function formOf(masks: readonly string[]): string {
  let form = describedMasks.get(masks);
  if (form === undefined) {
    form = describeMasks(masks);
    describedMasks.set(masks, form);
  }
  return form;
}

export function checkAccount(
  raw: string | null,
  policy: Pick<PayeePolicy, "masks" | "checkDigit">,
  options: AccountCheckOptions = {},
): AccountCheck {
  const form = formOf(policy.masks);
  const normalized = raw === null ? "" : normalizeAccount(raw);
  if (raw === null || normalized === "") {
    const reason = "no account number was given";
    return {
      status: "invalid_format",
      accountNumber: null,
      accountRaw: raw,
      reason,
      findings: [finding("invalid_format", reason)],
    };
  }
  if (looksLikeSsn(raw, normalized)) {
    const reason =
      "looks like a Social Security Number (NNN-NN-NNNN, or 9 digits not beginning with 7), not a billing account number; kept masked";
    return {
      status: "ssn_suspected",
      accountNumber: null,
      accountRaw: maskSsn(raw),
      reason,
      findings: [finding("ssn_suspected", reason)],
    };
  }
  if (!matchesAnyMask(normalized, policy.masks)) {
    const reason = `${normalized.length} characters after removing blanks and dashes; the payee's account numbers have the form ${form}`;
    return {
      status: "invalid_format",
      accountNumber: null,
      accountRaw: raw,
      reason,
      findings: [finding("invalid_format", reason)],
    };
  }
  if (!passesCheckDigit(normalized, policy.checkDigit)) {
    const reason = `has the form ${form} but its ${policy.checkDigit} check digit does not match`;
    return {
      status: "check_digit_failed",
      accountNumber: null,
      accountRaw: raw,
      reason,
      findings: [finding("check_digit_failed", reason)],
    };
  }
  const repaired = normalized !== raw;
  const findings: Finding[] = [];
  let reason = repaired ? `blanks or dashes removed; the result has the form ${form}` : `has the form ${form}`;
  if (repaired) findings.push(finding("account_repaired", "blanks or dashes removed from the account number"));
  if (options.knownAccount === false) {
    reason = `${reason}, but billing data has no such account`;
    findings.push(finding("unknown_account", "the account number has a valid form but is not on file in billing data"));
    return { status: "unknown_account", accountNumber: normalized, accountRaw: raw, reason, findings };
  }
  return { status: repaired ? "repaired" : "valid", accountNumber: normalized, accountRaw: raw, reason, findings };
}
