import { readFileSync } from "node:fs";
import {
  createMessage,
  encrypt,
  encryptSessionKey,
  enums,
  generateSessionKey,
  LiteralDataPacket,
  PacketList,
  readKey,
  readPrivateKey,
  sign,
  SymmetricallyEncryptedDataPacket,
  type AnyPacket,
} from "openpgp";

/** OpenPGP files made by openpgp itself (the other half of "real files": the first is GnuPG's). */

export async function openpgpEncryptAndSign(
  plaintext: Buffer,
  recipientPublicFile: string,
  signerSecretArmored: string,
): Promise<string> {
  return encrypt({
    message: await createMessage({ binary: plaintext }),
    encryptionKeys: await readKey({ armoredKey: readFileSync(recipientPublicFile, "utf8") }),
    signingKeys: await readPrivateKey({ armoredKey: signerSecretArmored }),
  });
}

/** Signed in the clear (no encryption), with one byte of the signed text changed afterwards. */
export async function openpgpSignedThenAltered(plaintext: Buffer, signerSecretArmored: string): Promise<Buffer> {
  const signed = Buffer.from(
    await sign({
      message: await createMessage({ binary: plaintext }),
      signingKeys: await readPrivateKey({ armoredKey: signerSecretArmored }),
      format: "binary",
    }),
  );
  const at = signed.indexOf(plaintext.subarray(0, 40));
  if (at < 0) throw new Error("the literal text was not found in the signed message");
  signed[at + 20] ^= 0x01;
  return signed;
}

/** The packet's encrypt is not in openpgp's public types: the legacy packet is only ever read by design. */
interface LegacyEncryptable {
  packets: PacketList<AnyPacket>;
  encrypt(algorithm: enums.symmetric, key: Uint8Array): Promise<void>;
}

/**
 * A message encrypted WITHOUT integrity protection (the legacy tag-9 packet, no MDC), the kind
 * EFAIL abused: neither gpg nor openpgp makes one any more, so it is assembled packet by packet.
 */
export async function openpgpWithoutIntegrity(plaintext: Buffer, recipientPublicFile: string): Promise<Buffer> {
  const recipient = await readKey({ armoredKey: readFileSync(recipientPublicFile, "utf8") });
  const sessionKey = await generateSessionKey({ encryptionKeys: recipient });
  const pkesk = await encryptSessionKey({ ...sessionKey, encryptionKeys: recipient, format: "binary" });
  const literal = new LiteralDataPacket();
  (literal as unknown as { setBytes(b: Uint8Array, f: enums.literal): void }).setBytes(plaintext, enums.literal.binary);
  const sed = new SymmetricallyEncryptedDataPacket() as unknown as LegacyEncryptable;
  sed.packets = new PacketList();
  sed.packets.push(literal);
  await sed.encrypt(enums.symmetric[sessionKey.algorithm], sessionKey.data);
  const list = new PacketList<AnyPacket>();
  list.push(sed as unknown as AnyPacket);
  return Buffer.concat([pkesk, list.write()]);
}
