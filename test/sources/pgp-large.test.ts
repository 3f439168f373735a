import { expect } from "chai";
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SAMPLES_DIR } from "../../src/paths";
import { loadPgpKeys } from "../../src/sources/pgp/pgp-keys";
import { stageStream } from "../../src/sources/staging";
import { gnupgUnavailable, gpgProtect, startGnupg, type GnupgWorld } from "../support/gnupg";

/** A file over 50 MB decrypts as a stream: the process does not grow by the file's size. */
describe("a large OpenPGP file (issue 14)", function () {
  this.timeout(60_000);
  let g: GnupgWorld;
  let dir: string;

  before(function () {
    if (gnupgUnavailable()) this.skip();
    g = startGnupg();
    dir = mkdtempSync(path.join(tmpdir(), "billpay-pgp-large-"));
  });
  after(() => {
    g?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a 55 MB encrypted and signed file is decrypted while staged, with memory flat", async () => {
    const day = readFileSync(path.join(SAMPLES_DIR, "rpps", "normal-day.ach"));
    const plain = Buffer.concat(Array.from({ length: Math.ceil((55 * 1024 * 1024) / day.length) }, () => day));
    const plainFile = path.join(dir, "big.ach");
    writeFileSync(plainFile, plain);
    const plainSha = createHash("sha256").update(plain).digest("hex");
    const encrypted = gpgProtect(g, plainFile, path.join(dir, "big.ach.gpg"), {
      to: "receiver@billpay.test",
      signer: "sender@billpay.test",
      compress: false,
    });
    process.env.BILLPAY_TEST_PGP_LARGE = g.receiverPassphrase;
    const keys = await loadPgpKeys(
      {
        decryptionKeyFile: g.receiverSecretFile,
        passphraseEnv: "BILLPAY_TEST_PGP_LARGE",
        verifyKeys: [g.senderPublicFile],
        require: "both",
      },
      "test.pgp",
    );
    delete process.env.BILLPAY_TEST_PGP_LARGE;

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let staged;
    try {
      staged = await stageStream(createReadStream(encrypted), {
        name: "big.ach",
        maxBytes: 200 * 1024 * 1024,
        idleTimeoutMs: 0,
        dir,
        pgp: keys,
      });
    } finally {
      clearInterval(sampler);
    }
    expect(staged.sizeBytes).to.be.greaterThan(50 * 1024 * 1024);
    expect(staged.decrypted).to.deep.equal({ sha256: plainSha, sizeBytes: plain.length });
    const grewMb = (peak - before) / 1024 / 1024;
    console.log(
      `    staged ${(staged.sizeBytes / 1024 / 1024).toFixed(0)} MB encrypted; RSS grew ${grewMb.toFixed(0)} MB`,
    );
    // Buffering the message (openpgp's default for MDC messages) would grow it by the file and more.
    expect(grewMb).to.be.lessThan(48);
  });
});
