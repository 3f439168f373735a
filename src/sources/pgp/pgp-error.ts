/** Why an OpenPGP file was refused: each is its own quarantine code, so an operator knows what to ask the sender. */
export type PgpFailureCode =
  | "pgp_not_pgp"
  | "pgp_not_encrypted"
  | "pgp_wrong_key"
  | "pgp_no_integrity"
  | "pgp_unsigned"
  | "pgp_bad_signature"
  | "pgp_truncated"
  | "pgp_corrupt";

/**
 * A file the sender must fix: retrying the download cannot cure it. Its message names what was
 * wrong (key IDs at most), never key material or a passphrase.
 */
export class PgpError extends Error {
  /** The bytes as received, when the whole file was read (the quarantine row is keyed by them). */
  received: { sha256: string; sizeBytes: number } | null = null;

  constructor(
    readonly code: PgpFailureCode,
    message: string,
  ) {
    super(message);
    this.name = "PgpError";
  }
}

/** A source's PGP settings cannot be used (a missing key, a wrong passphrase): a config problem, not the file's. */
export class PgpKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PgpKeyError";
  }
}
