import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Console passwords: scrypt from node:crypto with a random salt, the cost parameters kept beside
 * the hash so that raising them later leaves older hashes verifiable. A password is never logged,
 * stored or returned; only its hash leaves this module.
 */

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** N = 2^15, r = 8: about 32 MB and a tenth of a second per attempt, which is what slows a guesser. */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 64;
const SALT_BYTES = 16;
export const MIN_PASSWORD_LENGTH = 12;

export interface PasswordHash {
  hash: Buffer;
  salt: Buffer;
  params: ScryptParams;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt refuses to run when 128·N·r exceeds maxmem (32 MB by default, exactly our N·r).
  const maxmem = 256 * params.N * params.r * params.p;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { ...params, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  return { hash: await derive(password, salt, params), salt, params: { ...params } };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const key = await derive(password, stored.salt, stored.params);
  return key.length === stored.hash.length && timingSafeEqual(key, stored.hash);
}

/** Verifying against this costs what a real check costs: an unknown name takes as long as a known one. */
let decoy: Promise<PasswordHash> | null = null;
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await decoy);
  return false;
}

/** 18 random bytes as 24 URL-safe characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/** Why a password is refused, or null when it will do. */
export function weakPassword(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.trim() !== password) return "a password must not start or end with white space";
  return null;
}
