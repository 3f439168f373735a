import { z } from "zod";

/**
 * A source's `pgp:` block (issue 14): where its OpenPGP keys are, and what every file must be.
 * Like the SFTP key, a key or passphrase never sits in the file, only where to find it.
 */

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");
const IN_FILE =
  "keys and passphrases never sit in the config file: use decryptionKeyFile/decryptionKeyEnv and passphraseEnv";

export const PgpConfig = z
  .object({
    decryptionKeyFile: z.string().min(1).optional(),
    decryptionKeyEnv: envName.optional(),
    /** Env var holding the decryption key's passphrase, when it has one. */
    passphraseEnv: envName.optional(),
    /** The senders' public keys (armored files): a signature must verify against one of them. */
    verifyKeys: z.array(z.string().min(1)).min(1).optional(),
    require: z.enum(["encrypted", "signed", "both"], { error: "must be encrypted, signed or both" }),
    decryptionKey: z.never({ error: IN_FILE }).optional(),
    passphrase: z.never({ error: IN_FILE }).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (path: string, message: string): void => ctx.addIssue({ code: "custom", path: [path], message });
    const keyGiven = Boolean(p.decryptionKeyFile) || Boolean(p.decryptionKeyEnv);
    if (p.decryptionKeyFile && p.decryptionKeyEnv) {
      issue("decryptionKeyFile", "give only one of decryptionKeyFile or decryptionKeyEnv");
    }
    if (p.require !== "signed" && !keyGiven) {
      issue("decryptionKeyFile", `require: ${p.require} needs decryptionKeyFile or decryptionKeyEnv`);
    }
    if (p.require !== "encrypted" && !p.verifyKeys) {
      issue("verifyKeys", `require: ${p.require} needs verifyKeys (the senders' public key files)`);
    }
    if (p.passphraseEnv && !keyGiven) issue("passphraseEnv", "is the decryption key's passphrase: give the key too");
  });

export type PgpConfig = z.output<typeof PgpConfig>;
