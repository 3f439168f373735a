import { decrypt, enums, readMessage, verify, type Message, type PrivateKey } from "openpgp";
import { PgpError } from "./pgp-error";
import { requiresEncryption, requiresSignature, type PgpKeys } from "./pgp-keys";

type Bytes = ReadableStream<Uint8Array>;
type Signatures = Awaited<ReturnType<typeof verify>>["signatures"];

/** An OpenPGP message being opened: its plaintext, and the checks that can only end once it is read. */
export interface OpenedMessage {
  plaintext: Bytes;
  /** After the plaintext is read in full: throws a PgpError when a required signature is missing or bad. */
  signaturesChecked(): Promise<void>;
}

const ARMOR = new TextEncoder().encode("-----BEGIN PGP ");

/**
 * Opens a message as it streams in. The plaintext is released before the MDC at its end is checked
 * (allowUnauthenticatedStream): otherwise openpgp holds a whole SEIPDv1 file in memory. That is safe
 * only because the consumer is the staging folder, and a failed check at the end of the stream
 * fails the staging, so nothing unverified is ever read further.
 */
export async function openMessage(received: Bytes, keys: PgpKeys): Promise<OpenedMessage> {
  const { head, stream } = await peek(received, ARMOR.length);
  const message = await parse(head, stream);
  const encrypted = checkEnvelope(message, keys);
  if (encrypted && keys.decryptionKey) checkRecipient(message, keys.decryptionKey);
  const config = { allowUnauthenticatedStream: true };
  const verificationKeys = keys.verifyKeys.length ? keys.verifyKeys : undefined;
  const opened = await (
    encrypted
      ? decrypt({ message, decryptionKeys: keys.decryptionKey ?? [], verificationKeys, format: "binary", config })
      : verify({ message, verificationKeys: keys.verifyKeys, format: "binary", config })
  ).catch((error: unknown) => {
    throw classify(error);
  });
  // Settled now, awaited later: a rejection nobody waits for would crash the process.
  for (const s of opened.signatures) s.verified.catch(() => undefined);
  return {
    plaintext: opened.data,
    signaturesChecked: () => checkSignatures(opened.signatures, keys),
  };
}

async function parse(head: Uint8Array, stream: Bytes): Promise<Message<Bytes>> {
  const armored = startsWith(head, ARMOR);
  if (!armored && (head.length === 0 || (head[0] & 0x80) === 0)) {
    throw new PgpError("pgp_not_pgp", "not an OpenPGP message (neither armored nor binary packets)");
  }
  try {
    return armored
      ? await readMessage({ armoredMessage: stream.pipeThrough(new TextDecoderStream()) })
      : await readMessage({ binaryMessage: stream });
  } catch (error) {
    throw classify(error);
  }
}

/** Refuses what the envelope alone shows is wrong; returns whether the message is encrypted. */
function checkEnvelope(message: Message<Bytes>, keys: PgpKeys): boolean {
  const tags = new Set(message.packets.map((p) => (p.constructor as unknown as { tag: number }).tag));
  if (tags.has(enums.packet.symmetricallyEncryptedData)) {
    throw new PgpError(
      "pgp_no_integrity",
      "encrypted without integrity protection (no MDC or AEAD): it could have been altered unnoticed",
    );
  }
  const encrypted =
    tags.has(enums.packet.symEncryptedIntegrityProtectedData) || tags.has(enums.packet.aeadEncryptedData);
  if (!encrypted && requiresEncryption(keys.require)) {
    throw new PgpError(
      "pgp_not_encrypted",
      `the source requires encrypted files (require: ${keys.require}); this one is not`,
    );
  }
  return encrypted;
}

function checkRecipient(message: Message<Bytes>, key: PrivateKey): void {
  const ours = new Set(key.getKeyIDs().map((id) => id.toHex()));
  const recipients = message.getEncryptionKeyIDs().map((id) => id.toHex());
  // A wildcard recipient (all zeros) hides the key: let decryption try it.
  if (recipients.some((id) => ours.has(id) || /^0+$/.test(id))) return;
  throw new PgpError(
    "pgp_wrong_key",
    `encrypted to key ID ${recipients.join(", ") || "(none: a password)"}, not to this source's decryption key`,
  );
}

async function checkSignatures(signatures: Signatures, keys: PgpKeys): Promise<void> {
  if (!keys.verifyKeys.length) return;
  if (!signatures.length) {
    if (requiresSignature(keys.require)) {
      throw new PgpError(
        "pgp_unsigned",
        `the source requires a signature (require: ${keys.require}); the file has none`,
      );
    }
    return;
  }
  for (const s of signatures) {
    try {
      await s.verified;
    } catch (error) {
      const pinned = keys.verifyKeys.some((k) => k.getKeyIDs().some((id) => id.equals(s.keyID)));
      throw new PgpError(
        "pgp_bad_signature",
        pinned
          ? `the signature by key ID ${s.keyID.toHex()} does not verify (${(error as Error).message})`
          : `signed by key ID ${s.keyID.toHex()}, which is not one of this source's verifyKeys`,
      );
    }
  }
}

/** What openpgp threw, as one of our codes; its messages name no key material. */
export function classify(error: unknown): PgpError {
  if (error instanceof PgpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/session key|decryption key|no secret key/i.test(message)) return new PgpError("pgp_wrong_key", message);
  if (/not authenticated|without integrity|unauthenticated/i.test(message)) {
    return new PgpError("pgp_no_integrity", message);
  }
  if (/unexpected end|premature|truncat|missing.*(armor|checksum)|too short|end of (input|stream)/i.test(message)) {
    return new PgpError("pgp_truncated", `the file ends before its message does (${message})`);
  }
  return new PgpError("pgp_corrupt", `the OpenPGP message cannot be read (${message})`);
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** The first `n` bytes (fewer at the end of a short stream), and a stream that still starts with them. */
async function peek(stream: Bytes, n: number): Promise<{ head: Uint8Array; stream: Bytes }> {
  const reader = stream.getReader();
  const seen: Uint8Array[] = [];
  let length = 0;
  while (length < n) {
    const { done, value } = await reader.read();
    if (done) break;
    seen.push(value);
    length += value.length;
  }
  const head = Buffer.concat(seen);
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length) controller.enqueue(new Uint8Array(head));
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { head: head.subarray(0, n), stream: rest };
}
