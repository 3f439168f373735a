import { createHash } from "node:crypto";
import { utils } from "ssh2";
import { PermanentError } from "./retry";

/** "SHA256:" + unpadded base64 of sha256(key blob): exactly what `ssh-keygen -lf` prints. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The (first) key of an OpenSSH public key line ("ssh-ed25519 AAAA… comment") or a private key. */
export function parseOneKey(key: string | Buffer): Exclude<ReturnType<typeof utils.parseKey>, Error> {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw parsed;
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

/** The fingerprint of an OpenSSH public key line or a private key. */
export function fingerprintOfKey(key: string | Buffer): string {
  return sha256Fingerprint(parseOneKey(key).getPublicSSH());
}

export class HostKeyMismatchError extends PermanentError {
  constructor(where: string, presented: string, pinned: string) {
    super(
      `host key mismatch for ${where}: the server presented ${presented} but hostKeySha256 pins ${pinned}; ` +
        "refusing to connect (nothing was downloaded). If the server's key really changed, confirm the new " +
        "fingerprint with its operator and update hostKeySha256.",
      "host_key_mismatch",
    );
    this.name = "HostKeyMismatchError";
  }
}
