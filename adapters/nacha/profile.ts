/**
 * Validation profiles: which deviations from the NACHA rules a receiver accepts. Each leniency is
 * named, off in `strict`, and exists because a real sender forced it on us; the reason is kept
 * beside it as data, and the generated mapping JSON Schema shows it as each key's description. A leniency never turns off
 * a count or an amount total: those are checked under every profile.
 */
export interface NachaLeniencies {
  padShortLines: boolean;
  allowBlankEntryHash: boolean;
  allowBlankBlockCount: boolean;
  allowBlankFileIdModifier: boolean;
  allowBlankReceivingDfi: boolean;
  allowMissingEffectiveDateOnReturns: boolean;
}

export const LENIENCY_REASONS: Record<keyof NachaLeniencies, string> = {
  padShortLines:
    "Files pass through systems that trim trailing blanks (moov-io's Fiserv zero file, cie-credit.ach). A short " +
    "line is right-padded with blanks and then validated field by field, so real truncation (a trace number " +
    "cut short, a missing amount) is still an error; only blank-filled fields can go missing this way.",
  allowBlankEntryHash:
    "RPPS files, seen from the sending side, leave the entry hash of batch and file controls blank. A blank " +
    "hash is taken as 'not given'; a hash that is given must still be right.",
  allowBlankBlockCount: "RPPS leaves the file control's block count blank too. A given block count is still checked.",
  allowBlankFileIdModifier:
    "Some processors leave the file ID modifier (position 34) blank (moov-io's Fiserv zero file). The file's " +
    "identity then has an empty modifier; the content hash still tells resends apart.",
  allowBlankReceivingDfi:
    "RPPS may leave positions 4-29 of an entry (receiving DFI, check digit, DFI account) blank: the biller is the " +
    "receiver and the member's account is in the CIE account field. A blank DFI adds 0 to the entry hash.",
  allowMissingEffectiveDateOnReturns:
    "Returns and NOCs written by a receiving bank may carry 000000 as the effective entry date (moov-io's " +
    "contested-return.ach, cor-example.ach). Such entries settle on the file creation date and say so in " +
    "details.effectiveDateMissing; a payment in such a batch is still an error.",
};

export const PROFILE_NAMES = ["strict", "rpps"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface NachaProfile extends NachaLeniencies {
  readonly name: string;
}

const STRICT: NachaLeniencies = {
  padShortLines: false,
  allowBlankEntryHash: false,
  allowBlankBlockCount: false,
  allowBlankFileIdModifier: false,
  allowBlankReceivingDfi: false,
  allowMissingEffectiveDateOnReturns: false,
};

export const PROFILES: Record<ProfileName, NachaProfile> = {
  /** Everything the NACHA rules say. */
  strict: { name: "strict", ...STRICT },
  /**
   * Mastercard RPPS as a biller receives it, and what any receiver must accept of files that went
   * through other hands. A 93-character line is padded (padShortLines) and then fails on the field it
   * cut short, so broken-short-line.ach is quarantined under both profiles with different codes.
   */
  rpps: {
    name: "rpps",
    padShortLines: true,
    allowBlankEntryHash: true,
    allowBlankBlockCount: true,
    allowBlankFileIdModifier: true,
    allowBlankReceivingDfi: true,
    allowMissingEffectiveDateOnReturns: true,
  },
};

/** A named profile with a mapping's own overrides on top ("strict, but pad short lines"). */
export function resolveProfile(name: ProfileName, overrides: Partial<NachaLeniencies> = {}): NachaProfile {
  const changed = Object.entries(overrides).filter(([k, v]) => PROFILES[name][k as keyof NachaLeniencies] !== v);
  const label = changed.length ? `${name}+${changed.map(([k, v]) => `${k}=${String(v)}`).join(",")}` : name;
  return { ...PROFILES[name], ...overrides, name: label };
}
