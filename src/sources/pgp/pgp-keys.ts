import { readFileSync } from "node:fs";
import { decryptKey, readKey, readPrivateKey, type PrivateKey, type PublicKey } from "openpgp";
import { PgpKeyError } from "./pgp-error";

export type PgpRequirement = "encrypted" | "signed" | "both";

/** A source's `pgp:` block as the config holds it: where the keys are, never the keys themselves. */
export interface PgpSettings {
  decryptionKeyFile?: string;
  decryptionKeyEnv?: string;
  passphraseEnv?: string;
  verifyKeys?: string[];
  require: PgpRequirement;
}

/** The keys a source decrypts and verifies with, unlocked and ready. */
export interface PgpKeys {
  decryptionKey: PrivateKey | null;
  verifyKeys: PublicKey[];
  require: PgpRequirement;
}

export function requiresEncryption(require: PgpRequirement): boolean {
  return require !== "signed";
}

export function requiresSignature(require: PgpRequirement): boolean {
  return require !== "encrypted";
}

/** Reads and unlocks the keys; `keyPath` (aggregators.<id>.source.pgp) names the setting in errors. */
export async function loadPgpKeys(settings: PgpSettings, keyPath: string): Promise<PgpKeys> {
  const decryptionKey = await loadDecryptionKey(settings, keyPath);
  const verifyKeys: PublicKey[] = [];
  for (const [i, file] of (settings.verifyKeys ?? []).entries()) {
    const armored = readText(file, `${keyPath}.verifyKeys[${i}]`);
    const key = await readKey({ armoredKey: armored }).catch(() => {
      throw new PgpKeyError(`${keyPath}.verifyKeys[${i}]: ${file} is not an armored OpenPGP public key`);
    });
    verifyKeys.push(key.toPublic());
  }
  return { decryptionKey, verifyKeys, require: settings.require };
}

async function loadDecryptionKey(settings: PgpSettings, keyPath: string): Promise<PrivateKey | null> {
  let armored: string;
  let where: string;
  if (settings.decryptionKeyFile) {
    where = `${keyPath}.decryptionKeyFile`;
    armored = readText(settings.decryptionKeyFile, where);
  } else if (settings.decryptionKeyEnv) {
    where = `${keyPath}.decryptionKeyEnv`;
    armored = envValue(settings.decryptionKeyEnv, where);
  } else {
    return null;
  }
  // The parser's own message could quote the text it choked on: only ours is shown.
  const key = await readPrivateKey({ armoredKey: armored }).catch(() => {
    throw new PgpKeyError(`${where}: not an armored OpenPGP private key`);
  });
  if (key.isDecrypted()) return key;
  if (!settings.passphraseEnv) {
    throw new PgpKeyError(`${where}: the key is protected by a passphrase; set ${keyPath}.passphraseEnv`);
  }
  const passphrase = envValue(settings.passphraseEnv, `${keyPath}.passphraseEnv`);
  return decryptKey({ privateKey: key, passphrase }).catch(() => {
    throw new PgpKeyError(
      `${keyPath}.passphraseEnv: the passphrase in ${settings.passphraseEnv} does not unlock the key`,
    );
  });
}

function readText(file: string, where: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new PgpKeyError(`${where}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

function envValue(name: string, where: string): string {
  const value = process.env[name];
  if (!value) throw new PgpKeyError(`${where}: environment variable ${name} is not set`);
  return value;
}
