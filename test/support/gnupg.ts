import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A throwaway GnuPG home with TEST keys made at test time: the receiver (our decryption key,
 * passphrase-protected), the sender (whose public key a source pins), and a stranger (neither).
 */
export interface GnupgWorld {
  home: string;
  /** Armored files: the receiver's secret key, and the public keys of the sender and the stranger. */
  receiverSecretFile: string;
  receiverPublicFile: string;
  senderPublicFile: string;
  strangerPublicFile: string;
  strangerSecretArmored: string;
  senderSecretArmored: string;
  receiverPassphrase: string;
  /** Runs gpg in this home (batch, loopback pinentry, every key trusted). */
  gpg(args: string[]): Buffer;
  stop(): void;
}

export function gnupgUnavailable(): string | null {
  return existsSync("/usr/bin/gpg") ? null : "/usr/bin/gpg is not installed (apt-get install gnupg; CI installs it)";
}

export function startGnupg(): GnupgWorld {
  const home = mkdtempSync(path.join(tmpdir(), "billpay-gnupg-"));
  const receiverPassphrase = "test-only-receiver-passphrase";
  const gpg = (args: string[]): Buffer =>
    execFileSync(
      "gpg",
      ["--homedir", home, "--batch", "--quiet", "--pinentry-mode", "loopback", "--trust-model", "always", ...args],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
  const makeKey = (uid: string, passphrase: string): void => {
    gpg(["--passphrase", passphrase, "--quick-gen-key", uid, "ed25519", "sign", "never"]);
    const listing = gpg(["--with-colons", "--list-keys", uid]).toString();
    const fpr = /^fpr:+([0-9A-F]+):/m.exec(listing)?.[1];
    if (!fpr) throw new Error(`gpg made no key for ${uid}`);
    gpg(["--passphrase", passphrase, "--quick-add-key", fpr, "cv25519", "encr", "never"]);
  };
  makeKey("Receiver TEST KEY <receiver@billpay.test>", receiverPassphrase);
  makeKey("Sender TEST KEY <sender@billpay.test>", "");
  makeKey("Stranger TEST KEY <stranger@billpay.test>", "");
  const write = (name: string, data: Buffer): string => {
    const file = path.join(home, name);
    writeFileSync(file, data);
    return file;
  };
  const secret = (uid: string, passphrase: string): Buffer =>
    gpg(["--passphrase", passphrase, "--armor", "--export-secret-keys", uid]);
  return {
    home,
    receiverSecretFile: write("receiver.sec.asc", secret("receiver@billpay.test", receiverPassphrase)),
    receiverPublicFile: write("receiver.pub.asc", gpg(["--armor", "--export", "receiver@billpay.test"])),
    senderPublicFile: write("sender.pub.asc", gpg(["--armor", "--export", "sender@billpay.test"])),
    strangerPublicFile: write("stranger.pub.asc", gpg(["--armor", "--export", "stranger@billpay.test"])),
    strangerSecretArmored: secret("stranger@billpay.test", "").toString(),
    senderSecretArmored: secret("sender@billpay.test", "").toString(),
    receiverPassphrase,
    gpg,
    stop: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** gpg's own encrypt and/or sign of `input` into `output` (binary unless armor). */
export function gpgProtect(
  world: GnupgWorld,
  input: string,
  output: string,
  how: { to?: string; signer?: string; armor?: boolean; compress?: boolean },
): string {
  const args = ["--passphrase", "", "--output", output];
  if (how.armor) args.push("--armor");
  if (how.compress === false) args.push("--compress-algo", "none");
  if (how.to) args.push("--recipient", how.to, "--encrypt");
  if (how.signer) args.push("--local-user", how.signer, "--sign");
  world.gpg([...args, input]);
  return output;
}
